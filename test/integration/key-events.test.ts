import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlData } from "../support/graphql-client";
import { acceptAgreement, keyTeam } from "../support/keys";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";
import { wsClient, wsCollect, wsSubscribed } from "../support/ws-client";

const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };
/** Subscriptions re-check their credential on every event, so a test sees a revocation take effect at its next event. */
const env = { ...keyMaterial, SUBSCRIPTION_RECHECK_SECONDS: "0" };
const KEY_EVENTS = `subscription($organizationId: ID!, $types: [String!]) { keyEvents(organizationId: $organizationId, types: $types) { cursor type keyId data } }`;
const REVOKE = `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { userErrors { code } } }`;

let server: TestServer;
let second: TestServer;
beforeAll(async () => {
  server = await startTestServer(env);
  second = await startSecondInstance(server, env);
});
afterAll(async () => {
  await second?.stop();
  await server?.stop();
});

describe("keyEvents subscription", () => {
  it("streams an organisation's key events as they happen, from any instance", async () => {
    const team = await keyTeam(server);
    const client = wsClient(second, `Bearer ${team.owner.token}`);
    try {
      const stream = await wsSubscribed(second, client, KEY_EVENTS, { organizationId: team.organization.id });
      const { key } = await team.createKey({ name: "Streamed" });
      await graphqlData(server, REVOKE, { input: { id: key.id, reason: "done" } }, team.owner.token);
      const events = await stream.until((items) => items.length >= 2);
      expect(events.map((event) => event.data.keyEvents.type)).toEqual(["key.created", "key.revoked"]);
      expect(events[0].data.keyEvents).toMatchObject({ keyId: key.id, data: { name: "Streamed", state: "ACTIVE" } });
      expect(events[1].data.keyEvents.data.state).toBe("REVOKED");
      expect(JSON.stringify(events)).not.toMatch(/lk_sk_[0-9A-Za-z]{49}/);
    } finally {
      await client.dispose();
    }
  });

  it("sends each subscriber only the events of keys it may read, and only of the types asked for", async () => {
    const team = await keyTeam(server);
    await team.updateSettings({ apiAccessForNonAdmins: true });
    const developer = await team.addMember("Developer", "Developer");
    await acceptAgreement(server, developer.token, team.organization.id);
    const outsider = await keyTeam(server, "Outsider");
    const ownerClient = wsClient(server, `Bearer ${team.owner.token}`);
    const developerClient = wsClient(server, `Bearer ${developer.token}`);
    const outsiderClient = wsClient(server, `Bearer ${outsider.owner.token}`);
    try {
      const foreign = wsCollect(outsiderClient, KEY_EVENTS, { organizationId: team.organization.id });
      await foreign.until(() => foreign.failure !== null);
      expect(foreign.failure).toEqual([expect.objectContaining({ message: expect.stringContaining("Organization not found.") })]);
      const all = await wsSubscribed(server, ownerClient, KEY_EVENTS, { organizationId: team.organization.id, types: ["key.created"] });
      const own = await wsSubscribed(server, developerClient, KEY_EVENTS, { organizationId: team.organization.id });
      const adminKey = await team.createKey({ name: "Admin's" });
      const devKey = await team.createKey({ name: "Developer's", personal: true, contact: null }, developer.token);
      await graphqlData(server, REVOKE, { input: { id: adminKey.key.id, reason: "x" } }, team.owner.token);
      // Both subscribers hear this last event, so by then they have been sent everything before it.
      const barrier = await team.createKey({ name: "Barrier", personal: true, contact: null }, developer.token);
      await all.until((items) => items.some((event) => event.data.keyEvents.keyId === barrier.key.id));
      await own.until((items) => items.some((event) => event.data.keyEvents.keyId === barrier.key.id));
      expect(all.received.map((event) => event.data.keyEvents.data.name)).toEqual(["Admin's", "Developer's", "Barrier"]);
      expect(own.received.map((event) => [event.data.keyEvents.type, event.data.keyEvents.keyId])).toEqual([
        ["key.created", devKey.key.id],
        ["key.created", barrier.key.id],
      ]);
    } finally {
      await Promise.all([ownerClient.dispose(), developerClient.dispose(), outsiderClient.dispose()]);
    }
  });

  it("refuses unknown event types clearly", async () => {
    const team = await keyTeam(server);
    const client = wsClient(server, `Bearer ${team.owner.token}`);
    try {
      const stream = wsCollect(client, KEY_EVENTS, { organizationId: team.organization.id, types: ["key.exploded"] });
      await stream.until(() => stream.failure !== null);
      expect(stream.failure).toEqual([expect.objectContaining({ message: expect.stringContaining("Unknown event types: key.exploded") })]);
    } finally {
      await client.dispose();
    }
  });
});

describe("long-lived subscriptions", () => {
  it("end once the session they were opened with is signed out", async () => {
    const team = await keyTeam(server);
    const { signIn } = await graphqlData(server, `mutation($input: SignInInput!) { signIn(input: $input) { token } }`, {
      input: { email: team.owner.email, password: team.owner.password },
    });
    const client = wsClient(server, `Bearer ${signIn.token}`);
    try {
      const stream = await wsSubscribed(server, client, KEY_EVENTS, { organizationId: team.organization.id });
      await team.createKey({ name: "Heard" });
      await stream.until((items) => items.length === 1);
      await graphqlData(server, `mutation { signOut { signedOut } }`, {}, signIn.token);
      // The next event makes the subscription check its credential (at once here: SUBSCRIPTION_RECHECK_SECONDS=0).
      await team.createKey({ name: "Not heard" });
      await stream.until(() => stream.failure !== null);
      expect(stream.failure).toEqual([
        expect.objectContaining({ message: "The credential this subscription was opened with is no longer valid." }),
      ]);
      expect(stream.received).toHaveLength(1);
    } finally {
      await client.dispose();
    }
  });
});

describe("catching up after a disconnection", () => {
  it("returns the events after a cursor, oldest first", async () => {
    const team = await keyTeam(server);
    const client = wsClient(server, `Bearer ${team.owner.token}`);
    const stream = await wsSubscribed(server, client, KEY_EVENTS, { organizationId: team.organization.id });
    const first = await team.createKey({ name: "Before the outage" });
    const [seen] = await stream.until((items) => items.length >= 1);
    await client.dispose();

    const missed = await team.createKey({ name: "During the outage" });
    await graphqlData(server, REVOKE, { input: { id: first.key.id, reason: "rotated out" } }, team.owner.token);

    const CATCH_UP = `query($id: ID!, $after: String) { organization(id: $id) { keyEvents(after: $after) { totalCount nodes { type keyId cursor } pageInfo { hasNextPage } } } }`;
    const { organization } = await graphqlData(
      server,
      CATCH_UP,
      { id: team.organization.id, after: seen.data.keyEvents.cursor },
      team.owner.token,
    );
    expect(organization.keyEvents.nodes.map((event: { type: string; keyId: string }) => [event.type, event.keyId])).toEqual([
      ["key.created", missed.key.id],
      ["key.revoked", first.key.id],
    ]);
    expect(organization.keyEvents.pageInfo.hasNextPage).toBe(false);
  });
});
