import { afterAll, beforeAll, expect, it } from "vitest";
import { PUBLIC_LOOKING_ADDRESS, PUBLIC_LOOKING_HOST, watchConnectionAttempts } from "../support/egress";
import { eventually } from "../support/eventually";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { type Receiver, startReceiver } from "../support/webhook-receiver";
import { createEndpoint, endpointMessages, endpointMutation } from "../support/webhooks";

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  // A worker that may deliver to 127.0.0.1, started with public egress asked for: the harness
  // overrides it, as it does for every server a test starts.
  server = await startTestServer({
    SCHEDULER_ENABLED: "true",
    WEBHOOK_EGRESS: "public",
    WEBHOOK_ALLOWED_TARGETS: "127.0.0.1",
    WEBHOOK_TIMEOUT_SECONDS: "2",
    WEBHOOK_RETRY_SCHEDULE: "60",
  });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

it("never contacts a saved public URL: with a worker running, its deliveries are refused before any connection is attempted", async () => {
  const connections = watchConnectionAttempts();
  try {
    const team = await keyTeam(server, "Egress Motors");
    // The name resolves to a public-looking address; the port is a real local receiver standing in.
    const url = receiver.url("/public").replace("127.0.0.1", PUBLIC_LOOKING_HOST);
    const created = await createEndpoint(server, team.owner.token, { organizationId: team.organization.id, url });
    expect(created.userErrors).toEqual([]);
    expect(created.endpoint?.url).toBe(url);
    const id = created.endpoint?.id as string;
    await team.createKey({ name: "Egress key" });
    await endpointMutation(server, team.owner.token, "sendTestWebhook", id);

    const messages = await eventually(async () => {
      const found = await endpointMessages(server, team.owner.token, id);
      const attempted = found.messages.nodes.filter((message) => message.attempts.length > 0);
      expect(attempted, "both deliveries attempted").toHaveLength(2);
      return attempted;
    });
    expect(messages.map((message) => message.eventType).sort()).toEqual(["key.created", "webhook.test"]);
    for (const message of messages) {
      expect(message.attempts).toEqual([
        expect.objectContaining({
          url,
          responseStatus: null,
          error: "egress refused: this server delivers webhooks to loopback addresses only (WEBHOOK_EGRESS=loopback)",
        }),
      ]);
    }
    expect(receiver.received).toEqual([]);
    expect(connections.addresses).not.toContain(PUBLIC_LOOKING_ADDRESS);
    expect(new Set(connections.addresses)).toEqual(new Set(["127.0.0.1"]));
  } finally {
    connections.stop();
  }
});

it("still delivers to a loopback receiver the configuration allows", async () => {
  const team = await keyTeam(server, "Loopback Motors");
  const created = await createEndpoint(server, team.owner.token, { organizationId: team.organization.id, url: receiver.url("/local") });
  expect(created.userErrors).toEqual([]);
  await endpointMutation(server, team.owner.token, "sendTestWebhook", created.endpoint?.id as string);
  const [delivered] = await receiver.waitFor(1, (request) => request.path === "/local");
  expect(JSON.parse(delivered.body).type).toBe("webhook.test");
});
