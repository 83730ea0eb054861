import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_FAN_OUT_TASK } from "../../server/src/jobs/task-names";
import { deferred } from "../support/deferred";
import { eventually } from "../support/eventually";
import { graphqlData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { sql } from "../support/sql";
import { type Receiver, startReceiver } from "../support/webhook-receiver";
import { createEndpoint, endpointMessages, endpointMutation, queuedDeliveries, WEBHOOK_TEST_ENV } from "../support/webhooks";

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  server = await startTestServer(WEBHOOK_TEST_ENV);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

/**
 * Every event fanned out: no fan-out job left on the queue. A fan-out job makes each message's first
 * attempt before it completes, so after this, whatever those attempts delivered has arrived.
 */
const fannedOut = () =>
  eventually(async () => {
    const [{ n }] = await sql(server.databaseUrl, "select count(*)::int as n from graphile_worker.jobs where task_identifier = $1", [
      WEBHOOK_FAN_OUT_TASK,
    ]);
    expect(n, "fan-out jobs on the queue").toBe(0);
  });

describe("webhook delivery", () => {
  it("delivers a key event signed so that the standardwebhooks verifier accepts it, and logs the attempt", async () => {
    const team = await keyTeam(server, "Signed Motors");
    const created = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/signed"),
      description: "CRM sync",
      eventTypes: ["key.*"],
    });
    expect(created.userErrors).toEqual([]);
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const { signingSecret, endpoint: createdEndpoint } = created;
    if (!signingSecret || !createdEndpoint) throw new Error(`createWebhookEndpoint failed: ${JSON.stringify(created.userErrors)}`);
    const { key } = await team.createKey({ name: "Dealer feed" });

    const [request] = await receiver.waitFor(1, (r) => r.path === "/signed");
    const payload = new Webhook(signingSecret).verify(request.body, request.headers as Record<string, string>) as {
      timestamp: string;
    };
    expect(payload).toMatchObject({ type: "key.created", data: { keyId: key.id, name: "Dealer feed", kind: "SECRET" } });
    expect(Date.parse(payload.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(request.body).not.toContain("lk_");
    expect(() => new Webhook(`whsec_${Buffer.alloc(24, 1).toString("base64")}`).verify(request.body, request.headers as never)).toThrow();

    const endpoint = await eventually(async () => {
      const found = await endpointMessages(server, team.owner.token, createdEndpoint.id);
      expect(found.messages.nodes[0]?.status).toBe("SUCCEEDED");
      return found;
    });
    const [message] = endpoint.messages.nodes;
    // When the attempt was made, as the receiver saw it (to the second).
    expect(Math.abs(Date.parse(message.attempts[0].createdAt) - request.receivedAt)).toBeLessThan(2_000);
    expect(message).toMatchObject({
      eventType: "key.created",
      webhookId: request.headers["webhook-id"],
      attemptCount: 1,
      body: request.body,
    });
    expect(message.attempts).toEqual([
      {
        createdAt: expect.any(String),
        trigger: "SCHEDULED",
        url: receiver.url("/signed"),
        requestHeaders: {
          "webhook-id": request.headers["webhook-id"],
          "webhook-timestamp": request.headers["webhook-timestamp"],
          "webhook-signature": request.headers["webhook-signature"],
        },
        responseStatus: 200,
        latencyMs: expect.any(Number),
        error: null,
      },
    ]);
  });

  it("records a delivery whose receiver answers with NUL bytes, once, with them replaced: PostgreSQL cannot store NUL", async () => {
    const binary = await startReceiver(() => ({ status: 200, body: "ok\u0000\u0000gz" }));
    try {
      const team = await keyTeam(server, "Binary Motors");
      const url = binary.url("/binary");
      const { endpoint } = await createEndpoint(server, team.owner.token, { organizationId: team.organization.id, url });
      if (!endpoint) throw new Error("createWebhookEndpoint failed");
      await team.createKey({ name: "Gzip feed" });

      await eventually(async () => {
        const found = await endpointMessages(server, team.owner.token, endpoint.id);
        expect(found.messages.nodes.map((message) => message.status)).toEqual(["SUCCEEDED"]);
      });
      const attempts = await sql(server.databaseUrl, "select response_status, response_body from webhook_attempts where url = $1", [url]);
      expect(attempts).toEqual([{ response_status: 200, response_body: "ok\ufffd\ufffdgz" }]);
      await fannedOut();
      expect(binary.received).toHaveLength(1);
    } finally {
      await binary.close();
    }
  });

  it("sends each endpoint only the event types it listens to, and a location endpoint only its location's events", async () => {
    const team = await keyTeam(server, "Filter Motors");
    const { createLocation } = await graphqlData(
      server,
      `mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { id } } }`,
      { input: { organizationId: team.organization.id, name: "North" } },
      team.owner.token,
    );
    const endpoint = (path: string, extra: Record<string, unknown>) =>
      createEndpoint(server, team.owner.token, { organizationId: team.organization.id, url: receiver.url(path), ...extra });
    await endpoint("/revoked-only", { eventTypes: ["key.revoked"] });
    await endpoint("/members", { eventTypes: ["member.added"] });
    await endpoint("/north", { eventTypes: ["key.*"], locationId: createLocation.location.id });
    const unreachable = await endpoint("/north-members", { eventTypes: ["member.added"], locationId: createLocation.location.id });
    expect(unreachable.userErrors).toEqual([
      {
        field: ["eventTypes"],
        code: "INVALID_INPUT",
        message: "eventTypes: a location's endpoint receives key events only, not member.added",
      },
    ]);

    const { key } = await team.createKey({ name: "Organisation key" });
    await team.createKey({ name: "North key", locationId: createLocation.location.id });
    await graphqlData(
      server,
      `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { userErrors { code } } }`,
      { input: { id: key.id, reason: "replaced" } },
      team.owner.token,
    );
    await team.addMember("Filter Developer", "Developer");
    await fannedOut();
    await receiver.waitFor(3, (r) => ["/revoked-only", "/members", "/north"].includes(r.path));

    const at = (path: string) => receiver.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body));
    expect(at("/revoked-only").map((body) => [body.type, body.data.name])).toEqual([["key.revoked", "Organisation key"]]);
    expect(at("/members").map((body) => body.type)).toEqual(["member.added"]);
    expect(at("/north").map((body) => [body.type, body.data.name])).toEqual([["key.created", "North key"]]);
  });

  it("keeps events while an endpoint is paused and delivers them when it is resumed", async () => {
    const team = await keyTeam(server, "Paused Motors");
    const { endpoint, userErrors } = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/paused"),
    });
    if (!endpoint) throw new Error(`createWebhookEndpoint returned no endpoint: ${JSON.stringify(userErrors)}`);
    const paused = await endpointMutation(server, team.owner.token, "pauseWebhookEndpoint", endpoint.id);
    expect(paused.endpoint?.status).toBe("PAUSED");
    await team.createKey({ name: "While paused" });
    await fannedOut();
    expect(receiver.received.filter((r) => r.path === "/paused")).toEqual([]);
    const [kept] = (await endpointMessages(server, team.owner.token, endpoint.id)).messages.nodes;
    expect(kept.status).toBe("PENDING");
    expect(await queuedDeliveries(server, kept.id), "deliveries queued while paused").toBe(0);

    const resumed = await endpointMutation(server, team.owner.token, "resumeWebhookEndpoint", endpoint.id);
    expect(resumed.endpoint?.status).toBe("ENABLED");
    const [request] = await receiver.waitFor(1, (r) => r.path === "/paused");
    expect(JSON.parse(request.body).data.name).toBe("While paused");
    expect((await endpointMutation(server, team.owner.token, "resumeWebhookEndpoint", endpoint.id)).userErrors[0].code).toBe(
      "INVALID_STATE",
    );
  });

  it("retries failures on the schedule with the same webhook-id, honours Retry-After, and stops at the first 2xx", async () => {
    const team = await keyTeam(server, "Retry Motors");
    // The 2nd and 3rd requests (the retries) are answered only once the test has read the message
    // as it stood when they were sent: scheduled by the previous failure.
    const retries = [deferred(), deferred()];
    const answers = [
      { status: 500 },
      { status: 503, headers: { "retry-after": "1" }, until: retries[0].promise },
      { status: 204, until: retries[1].promise },
    ];
    receiver.answer((request) => (request.path === "/flaky" ? (answers.shift() ?? { status: 200 }) : { status: 200 }));
    const { endpoint, userErrors } = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/flaky"),
    });
    if (!endpoint) throw new Error(`createWebhookEndpoint returned no endpoint: ${JSON.stringify(userErrors)}`);
    await team.createKey({ name: "Flaky" });

    /** How long after the latest attempt began its retry was scheduled, read while that retry is being sent. */
    const scheduledDelayOfRetry = async (retry: number) => {
      await receiver.waitFor(retry + 1, (r) => r.path === "/flaky");
      const [message] = (await endpointMessages(server, team.owner.token, endpoint.id)).messages.nodes;
      retries[retry - 1].resolve();
      expect(message.attempts).toHaveLength(retry);
      return Date.parse(message.nextAttemptAt) - Date.parse(message.attempts[retry - 1].createdAt);
    };
    // The schedule says 0.5 s (±20% jitter); the receiver's Retry-After says 1 s.
    expect(await scheduledDelayOfRetry(1)).toBeGreaterThanOrEqual(400);
    expect(await scheduledDelayOfRetry(2)).toBeGreaterThanOrEqual(1_000);

    const found = await eventually(async () => {
      const messages = await endpointMessages(server, team.owner.token, endpoint.id);
      expect(messages.messages.nodes[0]?.status).toBe("SUCCEEDED");
      return messages;
    });
    const [message] = found.messages.nodes;
    expect(message.attempts.map((a: { responseStatus: number | null; error: string | null }) => [a.responseStatus, a.error])).toEqual([
      [500, "HTTP 500"],
      [503, "HTTP 503"],
      [204, null],
    ]);
    const requests = receiver.received.filter((r) => r.path === "/flaky");
    expect(new Set(requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([message.webhookId]));
    // Delivered: no retry is left on the queue, so the three requests are all there will be.
    expect(await queuedDeliveries(server, message.id)).toBe(0);
    expect(requests).toHaveLength(3);
    expect(found.status).toBe("ENABLED");
  });

  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    const team = await keyTeam(server, "Redirect Motors");
    receiver.answer((request) =>
      request.path === "/moved" ? { status: 302, headers: { location: receiver.url("/elsewhere") } } : { status: 200 },
    );
    const { endpoint, userErrors } = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/moved"),
    });
    if (!endpoint) throw new Error(`createWebhookEndpoint returned no endpoint: ${JSON.stringify(userErrors)}`);
    await endpointMutation(server, team.owner.token, "sendTestWebhook", endpoint.id);
    await receiver.waitFor(1, (r) => r.path === "/moved");
    const messages = await eventually(async () => {
      const found = await endpointMessages(server, team.owner.token, endpoint.id);
      expect(found.messages.nodes[0]?.attempts.length).toBeGreaterThan(0);
      return found;
    });
    expect(messages.messages.nodes[0].eventType).toBe("webhook.test");
    expect(messages.messages.nodes[0].attempts[0]).toMatchObject({ responseStatus: 302, error: "HTTP 302: redirects are not followed" });
    expect(receiver.received.filter((r) => r.path === "/elsewhere")).toEqual([]);
  });

  it("signs with both secrets for a day after rotation, so receivers with either accept", async () => {
    const team = await keyTeam(server, "Rotation Motors");
    const created = await createEndpoint(server, team.owner.token, { organizationId: team.organization.id, url: receiver.url("/rotated") });
    const { signingSecret, endpoint } = created;
    if (!signingSecret || !endpoint) throw new Error(`createWebhookEndpoint failed: ${JSON.stringify(created.userErrors)}`);
    const { rotateWebhookSecret } = await graphqlData(
      server,
      `mutation($input: WebhookEndpointIdInput!) { rotateWebhookSecret(input: $input) { signingSecret endpoint { previousSecretExpiresAt } userErrors { code } } }`,
      { input: { id: endpoint.id } },
      team.owner.token,
    );
    expect(rotateWebhookSecret.signingSecret).not.toBe(signingSecret);
    const validFor = Date.parse(rotateWebhookSecret.endpoint.previousSecretExpiresAt) - Date.now();
    expect(validFor).toBeGreaterThan(23.9 * 3_600_000);
    expect(validFor).toBeLessThanOrEqual(24 * 3_600_000);
    await endpointMutation(server, team.owner.token, "sendTestWebhook", endpoint.id);

    const [request] = await receiver.waitFor(1, (r) => r.path === "/rotated");
    expect(String(request.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const secret of [signingSecret, rotateWebhookSecret.signingSecret]) {
      expect(new Webhook(secret).verify(request.body, request.headers as never)).toMatchObject({ type: "webhook.test" });
    }
  });

  it("sends a member's endpoint only the key events that member may read, and nothing once they leave", async () => {
    const team = await keyTeam(server, "Scoped Motors");
    const developer = await team.addMember("Scoped Developer", "Developer");
    const { endpoint } = await createEndpoint(server, developer.token, {
      organizationId: team.organization.id,
      url: receiver.url("/developer-keys"),
      eventTypes: ["key.*", "member.*", "webhook.*"],
    });
    await team.createKey({ name: "Owner's own key" });
    await team.createKey({ name: "Developer's key", mappedUserId: developer.userId });
    await fannedOut();
    const [request] = await receiver.waitFor(1, (r) => r.path === "/developer-keys");
    expect(JSON.parse(request.body).data.name).toBe("Developer's key");

    await graphqlData(
      server,
      `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { userErrors { code } } }`,
      { input: { membershipId: developer.membershipId } },
      team.owner.token,
    );
    await team.createKey({ name: "After leaving", mappedUserId: team.owner.userId });
    // Its fan-out done, anything it was going to send has arrived.
    await fannedOut();
    expect(
      receiver.received.filter((r) => r.path === "/developer-keys").map((r) => JSON.parse(r.body).data.name ?? JSON.parse(r.body).type),
    ).toEqual(["Developer's key"]);
    expect(endpoint?.status).toBe("ENABLED");
  });

  it("fans one event out to more endpoints than one job sends at once", async () => {
    const team = await keyTeam(server, "Crowded Motors");
    for (let index = 0; index < 27; index++) {
      const created = await createEndpoint(server, team.owner.token, {
        organizationId: team.organization.id,
        url: receiver.url(`/crowd-${index}`),
      });
      expect(created.userErrors).toEqual([]);
    }
    await team.createKey({ name: "Crowd pleaser" });
    const requests = await receiver.waitFor(27, (r) => r.path.startsWith("/crowd-"));
    expect(new Set(requests.map((r) => r.path)).size).toBe(27);
    expect(new Set(requests.map((r) => JSON.parse(r.body).data.name))).toEqual(new Set(["Crowd pleaser"]));
  });
});
