import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import { eventually } from "../support/eventually";
import { graphqlData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { type ReceivedWebhook, type Receiver, startReceiver, typeOf } from "../support/webhook-receiver";
import { createEndpoint, endpointMessages, endpointMutation, WEBHOOK_TEST_ENV } from "../support/webhooks";

let server: TestServer;
/** Paths under /down always fail, /gone answers 410 Gone, everything else succeeds. */
const usualAnswer = (request: ReceivedWebhook) => ({
  status: request.path.startsWith("/down") ? 500 : request.path === "/gone" ? 410 : 200,
});
let receiver: Receiver;

/** Endpoints failing for 4 s stand in for 5 days. */
const DISABLE_AFTER_MS = 4_000;

beforeAll(async () => {
  // Retries come quickly, so that four attempts end well before the endpoint counts as failing for long.
  server = await startTestServer({
    ...WEBHOOK_TEST_ENV,
    WEBHOOK_RETRY_SCHEDULE: "0.1,0.1,0.1",
    WEBHOOK_DISABLE_AFTER_SECONDS: String(DISABLE_AFTER_MS / 1000),
  });
  receiver = await startReceiver(usualAnswer);
});
afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

const messagesOf = (token: string, id: string, settled: (status: string) => boolean) =>
  eventually(
    async () => {
      const found = await endpointMessages(server, token, id);
      const statuses = found.messages.nodes.map((message) => message.status);
      expect(statuses.length > 0 && statuses.every(settled), `messages settled: ${statuses}`).toBe(true);
      return found;
    },
    { timeoutMs: 20_000 },
  );

async function notifications(token: string) {
  const { viewer } = await graphqlData(server, `{ viewer { notifications(first: 20) { nodes { type message } } } }`, {}, token);
  return viewer.notifications.nodes as Array<{ type: string; message: string }>;
}

describe("webhook failures", () => {
  it("gives up after the last retry with webhook.attempt.exhausted, then redelivers on request", async () => {
    const team = await keyTeam(server, "Exhausted Motors");
    const { endpoint, userErrors } = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/down-1"),
      eventTypes: ["key.*"],
    });
    if (!endpoint) throw new Error(`createWebhookEndpoint returned no endpoint: ${JSON.stringify(userErrors)}`);
    await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/ops"),
      eventTypes: ["webhook.*"],
    });
    await team.createKey({ name: "Never heard of" });

    const found = await messagesOf(team.owner.token, endpoint.id, (status) => status === "FAILED");
    const [message] = found.messages.nodes;
    // At once, then the three retries of the test schedule.
    expect(message.attemptCount).toBe(4);
    expect(message.attempts.map((attempt: { responseStatus: number | null }) => attempt.responseStatus)).toEqual([500, 500, 500, 500]);
    const [exhausted] = await receiver.waitFor(1, (r) => r.path === "/ops");
    expect(JSON.parse(exhausted.body)).toMatchObject({
      type: "webhook.attempt.exhausted",
      data: { endpointId: endpoint.id, messageId: message.id, eventType: "key.created", attempts: 4 },
    });
    expect(receiver.received.filter((r) => r.path === "/down-1").map(typeOf)).toEqual(Array(4).fill("key.created"));

    receiver.answer(() => ({ status: 200 }));
    try {
      const { redeliverWebhookMessage } = await graphqlData(
        server,
        `mutation($input: RedeliverWebhookMessageInput!) { redeliverWebhookMessage(input: $input) { message { status } userErrors { code } } }`,
        { input: { id: message.id } },
        team.owner.token,
      );
      expect(redeliverWebhookMessage.userErrors).toEqual([]);
      const redelivered = await messagesOf(team.owner.token, endpoint.id, (status) => status === "SUCCEEDED");
      expect(redelivered.messages.nodes[0].attempts.at(-1)).toMatchObject({ trigger: "MANUAL", responseStatus: 200 });
      const requests = receiver.received.filter((r) => r.path === "/down-1");
      expect(requests).toHaveLength(5);
      expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
      const entries = await auditLog(server, team.owner.token, team.organization.id, { actions: ["WEBHOOK_REDELIVERED"] });
      expect(entries.nodes.map((entry) => entry.metadata)).toEqual([{ messages: 1 }]);
    } finally {
      receiver.answer(usualAnswer);
    }
  });

  it("disables an endpoint that answers 410 Gone at once, and tells its owner", async () => {
    const team = await keyTeam(server, "Gone Motors");
    const { endpoint, userErrors } = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/gone"),
    });
    if (!endpoint) throw new Error(`createWebhookEndpoint returned no endpoint: ${JSON.stringify(userErrors)}`);
    await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/gone-ops"),
      eventTypes: ["webhook.disabled"],
    });
    await team.createKey({ name: "First" });

    const [notice] = await receiver.waitFor(1, (r) => r.path === "/gone-ops");
    expect(JSON.parse(notice.body)).toMatchObject({
      type: "webhook.disabled",
      data: { endpointId: endpoint.id, reason: "The endpoint answered 410 Gone." },
    });
    const found = await endpointMessages(server, team.owner.token, endpoint.id);
    expect(found).toMatchObject({ status: "DISABLED", disabledReason: "The endpoint answered 410 Gone." });
    expect(found.messages.nodes.map((message) => [message.status, message.attemptCount])).toEqual([["FAILED", 1]]);
    expect(receiver.received.filter((r) => r.path === "/gone")).toHaveLength(1);

    // Nothing more goes to a disabled endpoint, and a test is refused until it is resumed.
    await team.createKey({ name: "Second" });
    expect((await endpointMutation(server, team.owner.token, "sendTestWebhook", endpoint.id)).userErrors[0].code).toBe("INVALID_STATE");
    const entries = await auditLog(server, team.owner.token, team.organization.id, { actions: ["WEBHOOK_DISABLED"] });
    expect(entries.nodes).toHaveLength(1);
    expect(entries.nodes[0]).toMatchObject({ reason: "The endpoint answered 410 Gone.", actor: null });
    expect(await notifications(team.owner.token)).toContainEqual({
      type: "webhook.disabled",
      message: expect.stringContaining(`${receiver.url("/gone")} was disabled`),
    });
  });

  it("disables an endpoint after it failed everything for the configured time, then recovers what failed", async () => {
    const team = await keyTeam(server, "Failing Motors");
    const { endpoint, userErrors } = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/down-2"),
    });
    if (!endpoint) throw new Error(`createWebhookEndpoint returned no endpoint: ${JSON.stringify(userErrors)}`);
    const since = new Date();
    await team.createKey({ name: "One" });
    await messagesOf(team.owner.token, endpoint.id, (status) => status === "FAILED");
    // Time must pass here (the rule reads the system clock): until the endpoint has been failing for
    // the configured time, so that the next failure disables it.
    const { node } = await graphqlData(
      server,
      `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { failingSince } } }`,
      { id: endpoint.id },
      team.owner.token,
    );
    const failingFor = () => Date.now() - Date.parse(node.failingSince);
    await eventually(() => expect(failingFor()).toBeGreaterThanOrEqual(DISABLE_AFTER_MS), { timeoutMs: DISABLE_AFTER_MS, intervalMs: 100 });
    await team.createKey({ name: "Two" });

    const disabled = await eventually(
      async () => {
        const found = await endpointMessages(server, team.owner.token, endpoint.id);
        expect(found.status).toBe("DISABLED");
        return found;
      },
      { timeoutMs: 20_000 },
    );
    if (disabled.disabledReason === null) throw new Error("The disabled endpoint has no disabledReason");
    expect(disabled.disabledReason).toMatch(/^Every delivery failed since /);
    const entries = await auditLog(server, team.owner.token, team.organization.id, { actions: ["WEBHOOK_DISABLED"] });
    expect(entries.nodes.map((entry) => entry.reason)).toEqual([disabled.disabledReason]);
    expect(await notifications(team.owner.token)).toContainEqual({
      type: "webhook.disabled",
      message: expect.stringContaining(disabled.disabledReason),
    });

    // Nobody from another organisation can send its messages again, or even learn they exist.
    const other = await keyTeam(server, "Nosy Motors");
    const [failedMessage] = disabled.messages.nodes;
    const { redeliverWebhookMessage } = await graphqlData(
      server,
      `mutation($input: RedeliverWebhookMessageInput!) { redeliverWebhookMessage(input: $input) { message { id } userErrors { code field } } }`,
      { input: { id: failedMessage.id } },
      other.owner.token,
    );
    expect(redeliverWebhookMessage).toEqual({ message: null, userErrors: [{ code: "NOT_FOUND", field: ["id"] }] });
    const nosyRecovery = await graphqlData(
      server,
      `mutation($input: RecoverWebhookMessagesInput!) { recoverWebhookMessages(input: $input) { count userErrors { code field } } }`,
      { input: { id: endpoint.id, since: since.toISOString() } },
      other.owner.token,
    );
    expect(nosyRecovery.recoverWebhookMessages).toEqual({ count: null, userErrors: [{ code: "NOT_FOUND", field: ["id"] }] });
    expect(
      (await graphqlData(server, `query($id: ID!) { node(id: $id) { id } }`, { id: failedMessage.id }, other.owner.token)).node,
    ).toBeNull();
    expect(disabled.messages.nodes.map((message) => message.status).sort()).toEqual(["CANCELLED", "FAILED"]);

    await graphqlData(
      server,
      `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { userErrors { code } } }`,
      { input: { id: endpoint.id, url: receiver.url("/fixed") } },
      team.owner.token,
    );
    const resumed = await endpointMutation(server, team.owner.token, "resumeWebhookEndpoint", endpoint.id);
    expect(resumed.endpoint).toMatchObject({ status: "ENABLED", disabledReason: null, failingSince: null });
    const { recoverWebhookMessages } = await graphqlData(
      server,
      `mutation($input: RecoverWebhookMessagesInput!) { recoverWebhookMessages(input: $input) { count userErrors { code field } } }`,
      { input: { id: endpoint.id, since: since.toISOString() } },
      team.owner.token,
    );
    expect(recoverWebhookMessages).toEqual({ count: 2, userErrors: [] });
    const recovered = await receiver.waitFor(2, (r) => r.path === "/fixed");
    expect(recovered.map((r) => JSON.parse(r.body).data.name).sort()).toEqual(["One", "Two"]);
  });
});
