import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, graphqlData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { createEndpoint, endpointMutation } from "../support/webhooks";

/**
 * `WebhookEndpoint.viewerCan` is what `<latchkey-webhooks>` offers; it must say yes exactly when the
 * mutation would succeed. For each actor, creator, state and action: ask, then try, on a fresh endpoint.
 */
let server: TestServer;
beforeAll(async () => {
  // No job queue: nothing is delivered, so a port with no listener is a fine target.
  server = await startTestServer({ WEBHOOK_ALLOWED_TARGETS: "127.0.0.1/32" });
});
afterAll(() => server?.stop());

const VIEWER_CAN = `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { viewerCan { update pause resume rotateSecret sendTest redeliver delete } } } }`;

type Attempt = (token: string, id: string) => Promise<boolean>;
const byId =
  (mutation: string): Attempt =>
  async (token, id) => {
    const response = await graphql(
      server,
      `mutation($input: WebhookEndpointIdInput!) { ${mutation}(input: $input) { userErrors { code } } }`,
      { input: { id } },
      token,
    );
    return !response.errors?.length && response.data?.[mutation]?.userErrors.length === 0;
  };

const ATTEMPTS: Record<string, Attempt> = {
  update: async (token, id) => {
    const input = { id, description: "Renamed by the viewerCan test" };
    const response = await graphql(
      server,
      "mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { userErrors { code } } }",
      { input },
      token,
    );
    return !response.errors?.length && response.data?.updateWebhookEndpoint?.userErrors.length === 0;
  },
  pause: byId("pauseWebhookEndpoint"),
  resume: byId("resumeWebhookEndpoint"),
  rotateSecret: byId("rotateWebhookSecret"),
  sendTest: byId("sendTestWebhook"),
  // Recovering asks the same as redelivering one message (manage it, and it is enabled) and needs no message to exist.
  redeliver: async (token, id) => {
    const input = { id, since: new Date(Date.now() - 3_600_000).toISOString() };
    const response = await graphql(
      server,
      "mutation($input: RecoverWebhookMessagesInput!) { recoverWebhookMessages(input: $input) { userErrors { code } } }",
      { input },
      token,
    );
    return !response.errors?.length && response.data?.recoverWebhookMessages?.userErrors.length === 0;
  },
  delete: byId("deleteWebhookEndpoint"),
};

describe("WebhookEndpoint.viewerCan answers as the mutations do", () => {
  it("for the owner, an admin, a developer and a viewer, on the owner's and the developer's endpoints, enabled and paused", async () => {
    const team = await keyTeam(server, "Webhook Viewer Can Motors");
    const admin = await team.addMember("Ada Admin", "Admin");
    const developer = await team.addMember("Dev Developer", "Developer");
    const otherDeveloper = await team.addMember("Olga Developer", "Developer");
    const viewer = await team.addMember("Vic Viewer", "Viewer");
    const actors = {
      owner: team.owner.token,
      admin: admin.token,
      developer: developer.token,
      otherDeveloper: otherDeveloper.token,
      viewer: viewer.token,
    };
    const creators = { owner: team.owner.token, developer: developer.token };

    const rows: string[] = [];
    const check = async (creator: keyof typeof creators, paused: boolean, actor: keyof typeof actors, action: string, attempt: Attempt) => {
      const created = await createEndpoint(server, creators[creator], {
        organizationId: team.organization.id,
        url: "http://127.0.0.1:9/hooks",
        description: `${creator} ${action} for ${actor}`,
      });
      const id = created.endpoint?.id as string;
      if (paused) expect((await endpointMutation(server, creators[creator], "pauseWebhookEndpoint", id)).userErrors).toEqual([]);
      const { data } = await graphql(server, VIEWER_CAN, { id }, actors[actor]);
      const offered = data?.node?.viewerCan?.[action] ?? false;
      const done = await attempt(actors[actor], id);
      const row = `${actor} ${action} ${creator}'s ${paused ? "paused" : "enabled"} endpoint: viewerCan ${offered}, mutation ${done}`;
      rows.push(row);
      expect(offered, row).toBe(done);
    };
    // Each check has its own endpoint, so the actors' checks run side by side.
    for (const creator of Object.keys(creators) as Array<keyof typeof creators>) {
      for (const paused of [false, true]) {
        for (const [action, attempt] of Object.entries(ATTEMPTS)) {
          await Promise.all(
            (Object.keys(actors) as Array<keyof typeof actors>).map((actor) => check(creator, paused, actor, action, attempt)),
          );
        }
      }
    }
    // The table is not vacuous: ownership and state both decide something.
    const row = (text: string) => rows.find((candidate) => candidate.startsWith(text));
    expect(row("developer pause developer's enabled")).toContain("mutation true");
    expect(row("otherDeveloper pause developer's enabled")).toContain("mutation false");
    expect(row("developer delete owner's enabled")).toContain("mutation false");
    expect(row("admin delete developer's enabled")).toContain("mutation true");
    expect(row("owner sendTest owner's paused")).toContain("mutation false");
    expect(row("owner resume owner's paused")).toContain("mutation true");
    expect(row("viewer update owner's enabled")).toContain("mutation false");
  }, 90_000);

  it("lists the event types an endpoint may name, each accepted by createWebhookEndpoint", async () => {
    const team = await keyTeam(server, "Event Types Motors");
    const { webhookEventTypes } = await graphqlData(server, "{ webhookEventTypes }", {}, team.owner.token);
    expect(webhookEventTypes).toEqual(expect.arrayContaining(["key.created", "key.revoked", "member.added", "webhook.test"]));
    expect(webhookEventTypes).not.toContain("platform_key.revoked");
    const created = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: "http://127.0.0.1:9/all-listed",
      eventTypes: webhookEventTypes,
    });
    expect(created.userErrors).toEqual([]);
    expect(created.endpoint?.eventTypes).toEqual(webhookEventTypes);
  });
});
