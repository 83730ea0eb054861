import { graphqlData, type UntypedData, type UserErrorData } from "./graphql-client";
import type { TestServer } from "./server";

/** A server that runs the job queue and may deliver to 127.0.0.1, with a short retry schedule. */
export const WEBHOOK_TEST_ENV = {
  SCHEDULER_ENABLED: "true",
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
      id webhookId eventType status attemptCount body attempts { createdAt trigger url requestHeaders responseStatus latencyMs error }
    } } } } }`,
    { id },
    token,
  );
  return node as { status: string; disabledReason: string | null; messages: { totalCount: number; nodes: Array<UntypedData> } };
}

export async function waitUntil<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
