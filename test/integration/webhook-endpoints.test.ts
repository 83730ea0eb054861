import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_LOOKING_HOST } from "../support/egress";
import { eventually } from "../support/eventually";
import { graphqlData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";
import { rowCounts } from "../support/sql";
import { type Receiver, startReceiver } from "../support/webhook-receiver";
import { createEndpoint, endpointMessages, endpointMutation } from "../support/webhooks";

let server: TestServer;
let receiver: Receiver;
const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };

beforeAll(async () => {
  // The default configuration: no private targets allowed, no job queue worker in this process.
  server = await startTestServer(keyMaterial);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

const LIST = `query($id: ID!) { organization(id: $id) {
  webhookEndpoints(first: 50) { totalCount nodes { url createdBy { email } } }
  keyHolders { user { email } webhookEndpoints { url } }
} }`;

describe("webhook endpoints", () => {
  it("refuses URLs that are not http(s) or reach private, loopback, link-local or metadata addresses, writing nothing", async () => {
    const team = await keyTeam(server, "Guarded Motors");
    // The refusal never says what a host resolves to: that would let a user map internal DNS.
    const nonPublic = "url: must resolve to a public address (not a private, loopback, link-local or reserved one)";
    const refused = {
      "ftp://example.com/hook": "url: must be an http:// or https:// URL",
      "not a url": "url: is not a URL",
      "http://127.0.0.1:9/hook": nonPublic,
      "http://localhost/hook": nonPublic,
      "http://10.1.2.3/hook": nonPublic,
      "http://169.254.169.254/latest/meta-data": nonPublic,
      "http://[::1]/hook": nonPublic,
      "http://0.0.0.0/hook": nonPublic,
      "http://[::ffff:192.168.0.1]/hook": "url: is an IPv4-mapped IPv6 address; use the IPv4 address (192.168.0.1)",
      "http://[::ffff:93.184.215.14]/hook": "url: is an IPv4-mapped IPv6 address; use the IPv4 address (93.184.215.14)",
      "https://user:pass@example.com/hook": "url: must not contain a user name or password",
      "http://latchkey-test.invalid/hook": nonPublic,
      "http://[::127.0.0.1]/hook": nonPublic,
      "http://[::7f00:1]/hook": nonPublic,
      "http://[64:ff9b::a9fe:a9fe]/hook": nonPublic,
      "http://[2002:a9fe:a9fe::]/hook": nonPublic,
      "http://168.63.129.16/machine": nonPublic,
      "http://hooks.latchkey.test#@127.0.0.1/": "url: must not contain a fragment (#…)",
      "http://hooks.latchkey.test\\@127.0.0.1/": "url: must not contain a backslash",
      "http://@hooks.latchkey.test/hook": "url: must not contain a user name or password",
      "http://hooks.latchkey.test/a\u202eb": "url: must not contain spaces or control characters",
    };
    for (const [url, message] of Object.entries(refused)) {
      const result = await createEndpoint(server, team.owner.token, { organizationId: team.organization.id, url });
      expect(result.endpoint, url).toBeNull();
      expect(result.userErrors, url).toEqual([{ field: ["url"], code: "INVALID_INPUT", message }]);
    }
    expect(await rowCounts(server.databaseUrl, ["webhook_endpoints"])).toEqual({ webhook_endpoints: 0 });
  });

  it("refuses unknown event types and empty lists, and accepts entity wildcards", async () => {
    const team = await keyTeam(server, "Typed Motors");
    const create = (eventTypes: string[]) =>
      createEndpoint(server, team.owner.token, {
        organizationId: team.organization.id,
        url: `https://${PUBLIC_LOOKING_HOST}/hook`,
        eventTypes,
      });
    const unknown = await create(["key.created", "key.exploded"]);
    expect(unknown.userErrors).toEqual([
      { field: ["eventTypes"], code: "INVALID_INPUT", message: expect.stringContaining("must be `*`, `<entity>.*` or known event types") },
    ]);
    expect((await create([])).userErrors[0]).toMatchObject({ field: ["eventTypes"], code: "INVALID_INPUT" });
    expect((await create(["nothing.*"])).userErrors[0]).toMatchObject({ field: ["eventTypes"] });
    expect(await rowCounts(server.databaseUrl, ["webhook_endpoints"])).toEqual({ webhook_endpoints: 0 });
    const wildcard = await create(["key.*", "member.added", "key.*"]);
    expect(wildcard.userErrors).toEqual([]);
    expect(wildcard.endpoint).toMatchObject({ eventTypes: ["key.*", "member.added"], status: "ENABLED" });
  });

  it("needs webhooks:manage; members manage their own endpoints, admins everyone's, next to their keys", async () => {
    const team = await keyTeam(server, "Permission Motors");
    const developer = await team.addMember("Hook Developer", "Developer");
    const viewer = await team.addMember("Hook Viewer", "Viewer");
    const url = `https://${PUBLIC_LOOKING_HOST}/hooks`;

    const byViewer = await createEndpoint(server, viewer.token, { organizationId: team.organization.id, url });
    expect(byViewer.userErrors).toEqual([
      { field: null, code: "FORBIDDEN", message: "Your role does not grant `webhooks:manage` in this organization." },
    ]);
    const byOwner = await createEndpoint(server, team.owner.token, { organizationId: team.organization.id, url: `${url}/owner` });
    const byDeveloper = await createEndpoint(server, developer.token, { organizationId: team.organization.id, url: `${url}/developer` });
    const ownersEndpoint = byOwner.endpoint;
    const developersEndpoint = byDeveloper.endpoint;
    if (!ownersEndpoint || !developersEndpoint) {
      throw new Error(`createWebhookEndpoint failed: ${JSON.stringify([byOwner.userErrors, byDeveloper.userErrors])}`);
    }
    await team.createKey({ name: "Owner's key" });

    const developerView = await graphqlData(server, LIST, { id: team.organization.id }, developer.token);
    expect(developerView.organization.webhookEndpoints.nodes).toEqual([{ url: `${url}/developer`, createdBy: { email: developer.email } }]);
    expect(
      (await graphqlData(server, `query($id: ID!) { node(id: $id) { id } }`, { id: ownersEndpoint.id }, developer.token)).node,
    ).toBeNull();
    const paused = await endpointMutation(server, developer.token, "pauseWebhookEndpoint", ownersEndpoint.id);
    expect(paused.userErrors).toEqual([{ field: ["id"], code: "NOT_FOUND", message: "Webhook endpoint not found." }]);
    expect((await graphqlData(server, LIST, { id: team.organization.id }, viewer.token)).organization.webhookEndpoints).toBeNull();

    const adminView = await graphqlData(server, LIST, { id: team.organization.id }, team.owner.token);
    expect(adminView.organization.webhookEndpoints.totalCount).toBe(2);
    expect(adminView.organization.keyHolders).toEqual([{ user: { email: team.owner.email }, webhookEndpoints: [{ url: `${url}/owner` }] }]);
    expect((await endpointMutation(server, team.owner.token, "pauseWebhookEndpoint", developersEndpoint.id)).endpoint?.status).toBe(
      "PAUSED",
    );

    const other = await keyTeam(server, "Other Motors");
    const { deleteWebhookEndpoint } = await graphqlData(
      server,
      `mutation($input: WebhookEndpointIdInput!) { deleteWebhookEndpoint(input: $input) { deletedEndpointId userErrors { code } } }`,
      { input: { id: ownersEndpoint.id } },
      other.owner.token,
    );
    expect(deleteWebhookEndpoint).toEqual({ deletedEndpointId: null, userErrors: [{ code: "NOT_FOUND" }] });
    const afterwards = await graphqlData(server, LIST, { id: team.organization.id }, team.owner.token);
    expect(afterwards.organization.webhookEndpoints.totalCount).toBe(2);
  });

  it("checks the target again at delivery: an instance without the allowlist refuses to connect to 127.0.0.1, by address or by name", async () => {
    // One instance allows local targets (as a developer might), the instance that delivers does not.
    const lenient = await startSecondInstance(server, { ...keyMaterial, WEBHOOK_ALLOWED_TARGETS: "127.0.0.0/8,::1" });
    const strict = await startSecondInstance(server, { ...keyMaterial, SCHEDULER_ENABLED: "true", WEBHOOK_RETRY_SCHEDULE: "60" });
    try {
      const team = await keyTeam(lenient, "Rebinding Motors");
      // `localhost` resolves (offline) to 127.0.0.1: the agent refuses the address it looked up.
      const urls = [receiver.url("/private"), receiver.url("/private").replace("127.0.0.1", "localhost")];
      expect(new URL(urls[1]).hostname).toBe("localhost");
      for (const url of urls) {
        const created = await createEndpoint(lenient, team.owner.token, { organizationId: team.organization.id, url });
        expect(created.userErrors, url).toEqual([]);
        const { endpoint } = created;
        if (!endpoint) throw new Error(`createWebhookEndpoint returned no endpoint for ${url}`);
        await endpointMutation(lenient, team.owner.token, "sendTestWebhook", endpoint.id);
        const attempt = await eventually(async () => {
          const [attempted] = (await endpointMessages(lenient, team.owner.token, endpoint.id)).messages.nodes[0]?.attempts ?? [];
          expect(attempted, `the refused attempt to ${url}`).toBeDefined();
          return attempted;
        });
        // The stored error names neither the address nor the host.
        expect(attempt, url).toMatchObject({
          url,
          responseStatus: null,
          error: "the target address is not allowed (private, loopback, link-local or reserved)",
        });
      }
      expect(receiver.received).toEqual([]);
    } finally {
      await strict.stop();
      await lenient.stop();
    }
  });

  it("stores the URL as it will be read and delivered to: WHATWG URL's normalised form, on create and update", async () => {
    const team = await keyTeam(server, "Normal Motors");
    const created = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: "HTTPS://Hooks.Latchkey.TEST:443/a/../hook?to=ops@example",
    });
    expect(created.userErrors).toEqual([]);
    expect(created.endpoint?.url).toBe("https://hooks.latchkey.test/hook?to=ops@example");
    const { updateWebhookEndpoint } = await graphqlData(
      server,
      `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { endpoint { url } userErrors { message } } }`,
      { input: { id: created.endpoint?.id, url: "http://HOOKS.latchkey.test:80/./moved" } },
      team.owner.token,
    );
    expect(updateWebhookEndpoint).toEqual({ endpoint: { url: "http://hooks.latchkey.test/moved" }, userErrors: [] });
    const listed = await graphqlData(server, LIST, { id: team.organization.id }, team.owner.token);
    expect(listed.organization.webhookEndpoints.nodes).toEqual([
      { url: "http://hooks.latchkey.test/moved", createdBy: { email: team.owner.email } },
    ]);
  });
});
