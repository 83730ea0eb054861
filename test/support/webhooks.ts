import { idOfType } from "../../server/src/graphql/global-id";
import { graphqlData, type UntypedData, type UserErrorData } from "./graphql-client";
import type { TestServer } from "./server";
import { sql } from "./sql";

/** A server that runs the job queue and may deliver to 127.0.0.1, with a short retry schedule picked up promptly. */
export const WEBHOOK_TEST_ENV = {
  SCHEDULER_ENABLED: "true",
  JOB_POLL_INTERVAL_SECONDS: "0.2",
  LOG_LEVEL: "warn",
  WEBHOOK_ALLOWED_TARGETS: "127.0.0.1/32",
  WEBHOOK_TIMEOUT_SECONDS: "2",
  WEBHOOK_RETRY_SCHEDULE: "0.5,0.5,0.5",
};

export const ENDPOINT_FIELDS = "id url description eventTypes status disabledReason failingSince previousSecretExpiresAt location { id }";

export async function createEndpoint(server: TestServer, token: string, input: Record<string, unknown>) {
  const { createWebhookEndpoint } = await graphqlData(
    server,
    `mutation($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) { signingSecret endpoint { ${ENDPOINT_FIELDS} } userErrors { field message code } }
    }`,
    { input: { eventTypes: ["*"], ...input } },
    token,
  );
  return createWebhookEndpoint as { signingSecret: string | null; endpoint: UntypedData | null; userErrors: UserErrorData[] };
}

/** Runs one of the endpoint mutations that take `{ id }` and return `{ endpoint }`. */
export async function endpointMutation(server: TestServer, token: string, mutation: string, id: string) {
  const result = await graphqlData(
    server,
    `mutation($input: WebhookEndpointIdInput!) { ${mutation}(input: $input) { endpoint { ${ENDPOINT_FIELDS} } userErrors { field message code } } }`,
    { input: { id } },
    token,
  );
  return result[mutation] as { endpoint: UntypedData | null; userErrors: UserErrorData[] };
}

export async function endpointMessages(server: TestServer, token: string, id: string) {
  const { node } = await graphqlData(
    server,
    `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { status disabledReason messages(first: 100) { totalCount nodes {
      id webhookId eventType status attemptCount nextAttemptAt body attempts { createdAt trigger url requestHeaders responseStatus latencyMs error }
    } } } } }`,
    { id },
    token,
  );
  return node as { status: string; disabledReason: string | null; messages: { totalCount: number; nodes: Array<UntypedData> } };
}

/** Delivery jobs queued for one message (by its global ID; the job key names it): none means nothing will send it again unless asked. */
export async function queuedDeliveries(server: TestServer, messageId: string): Promise<number> {
  const [{ n }] = await sql<{ n: number }>(
    server.databaseUrl,
    "select count(*)::int as n from graphile_worker.jobs where key = 'webhook_message:' || $1",
    [idOfType(messageId, "WebhookMessage")],
  );
  return n;
}
