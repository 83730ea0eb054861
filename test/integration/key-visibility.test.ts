import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_DEADLINES_TASK } from "../../server/src/jobs/task-names";
import { graphql, graphqlData, signUp } from "../support/graphql-client";
import { databaseId } from "../support/ids";
import { acceptAgreement, keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { sql } from "../support/sql";
import { type Receiver, startReceiver } from "../support/webhook-receiver";
import { createEndpoint, endpointMessages, WEBHOOK_TEST_ENV } from "../support/webhooks";
import { wsClient, wsCollect } from "../support/ws-client";

/**
 * "Who may read this key" is one rule (server/src/keys/key-visibility.ts). Each actor below is asked
 * on every path that shows a key or news of it, about ONE key: created by a member, then re-mapped by
 * an admin to another member, at a location. News of it after the re-map: the `key.updated` of the
 * re-map, and a `key.expiring` warning from the expiry sweep.
 */
type Path = "keys" | "badge" | "node" | "keyEvents" | "keyExpiring" | "catchUp" | "webhook" | "notified";
type Row = Record<Path, boolean | null | "partly">;

// null: the path answers this actor nothing at all, whatever the key: a key-authenticated request owns
// no webhook endpoints and reads no notifications; `organization(id:)`, under which the key list and
// catch-up sit, is null for an outsider and for a location key (which reaches one location only).
const EXPECTED: Record<string, Row> = {
  "owner (the key is mapped to them)": {
    keys: true,
    badge: true,
    node: true,
    keyEvents: true,
    keyExpiring: true,
    catchUp: true,
    webhook: true,
    notified: true,
  },
  "creator, no longer mapped after a re-map": {
    keys: true,
    badge: true,
    node: true,
    keyEvents: true,
    keyExpiring: true,
    catchUp: true,
    webhook: true,
    notified: true,
  },
  "admin with keys:read:all": {
    keys: true,
    badge: true,
    node: true,
    keyEvents: true,
    keyExpiring: true,
    catchUp: true,
    webhook: true,
    notified: false,
  },
  "location-scoped (the key's location)": {
    keys: null,
    badge: null,
    node: true,
    keyEvents: true,
    keyExpiring: true,
    catchUp: null,
    webhook: true,
    notified: null,
  },
  "location-scoped (another location)": {
    keys: null,
    badge: null,
    node: false,
    keyEvents: false,
    keyExpiring: false,
    catchUp: null,
    webhook: false,
    notified: null,
  },
  "other member": {
    keys: false,
    badge: false,
    node: false,
    keyEvents: false,
    keyExpiring: false,
    catchUp: false,
    webhook: false,
    notified: false,
  },
  "ORG_READ key acting for the key's owner": {
    keys: false,
    badge: false,
    node: false,
    keyEvents: false,
    keyExpiring: false,
    catchUp: false,
    webhook: null,
    notified: null,
  },
  outsider: { keys: null, badge: null, node: false, keyEvents: false, keyExpiring: false, catchUp: null, webhook: false, notified: false },
};

const KEY_EVENTS = `subscription($organizationId: ID!) { keyEvents(organizationId: $organizationId) { type keyId } }`;
const KEYS = `query($id: ID!) { organization(id: $id) { keys(first: 100) { nodes { id } } } }`;
const KEY_EXPIRING = `subscription($organizationId: ID!) { keyExpiring(organizationId: $organizationId) { type keyId } }`;
/** The extension's badge query itself, read from its source: it counts the keys due soon that you may see. */
const BADGE_KEYS = (() => {
  const source = readFileSync(path.resolve(__dirname, "../../extension/lib/graphql/operations.ts"), "utf8");
  const query = /BadgeKeys = graphql\(`([^`]*)`/.exec(source)?.[1];
  if (!query) throw new Error("The extension's BadgeKeys query was not found in extension/lib/graphql/operations.ts");
  return query;
})();
const NODE = `query($id: ID!) { node(id: $id) { id } }`;
const CATCH_UP = `query($id: ID!) { organization(id: $id) { keyEvents(first: 100) { nodes { type keyId } } } }`;
const NOTIFICATIONS = `{ viewer { notifications(first: 50) { nodes { type data } } } }`;
const NEWS = ["key.updated", "key.expiring"];
const DAY = 86_400_000;

/** Whether a path told an actor all the news of the key, none of it, or (always wrong) only part of it. */
const all = (news: unknown[]) => (news.length === NEWS.length ? true : news.length === 0 ? false : "partly");

let server: TestServer;
let receiver: Receiver;
const observed: Record<string, Row> = {};

beforeAll(async () => {
  server = await startTestServer(WEBHOOK_TEST_ENV);
  receiver = await startReceiver();
  await observeEveryPath();
}, 120_000);
afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

async function createLocation(token: string, organizationId: string, name: string): Promise<string> {
  const { createLocation } = await graphqlData(
    server,
    `mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { id } } }`,
    { input: { organizationId, name } },
    token,
  );
  return createLocation.location.id;
}

async function observeEveryPath() {
  const team = await keyTeam(server, "Visible Motors");
  const organizationId = team.organization.id;
  await team.updateSettings({ apiAccessForNonAdmins: true });
  const north = await createLocation(team.owner.token, organizationId, "North");
  const south = await createLocation(team.owner.token, organizationId, "South");
  const member = async (name: string) => {
    const person = await team.addMember(name, "Developer");
    await acceptAgreement(server, person.token, organizationId);
    return person;
  };
  const holder = await member("Holder");
  const creator = await member("Creator");
  const other = await member("Other");
  const outsider = await signUp(server, "Outsider");
  const northKey = await team.createKey({ name: "North reader", locationId: north, scopes: ["ORG_READ", "KEYS_READ_ALL"] });
  const southKey = await team.createKey({ name: "South reader", locationId: south, scopes: ["ORG_READ", "KEYS_READ_ALL"] });
  const orgReadKey = await team.createKey({ name: "Read-only", mappedUserId: holder.userId, scopes: ["ORG_READ"] });

  const actors = {
    "owner (the key is mapped to them)": { auth: holder.token, person: true },
    "creator, no longer mapped after a re-map": { auth: creator.token, person: true },
    "admin with keys:read:all": { auth: team.owner.token, person: true },
    "location-scoped (the key's location)": { auth: northKey.secret, person: false },
    "location-scoped (another location)": { auth: southKey.secret, person: false },
    "other member": { auth: other.token, person: true },
    "ORG_READ key acting for the key's owner": { auth: orgReadKey.secret, person: false },
    outsider: { auth: outsider.token, person: true },
  } satisfies Record<keyof typeof EXPECTED, { auth: string; person: boolean }>;

  // Webhook endpoints: each person's own; a location's endpoint stands for the location-scoped actors.
  const pathOf = (actor: string) => `/${Object.keys(actors).indexOf(actor)}`;
  const endpointOf: Record<string, { id: string; token: string }> = {};
  const register = async (actor: string, token: string, inOrganization: string, locationId: string | null = null) => {
    const { endpoint } = await createEndpoint(server, token, {
      organizationId: inOrganization,
      url: receiver.url(pathOf(actor)),
      locationId,
    });
    endpointOf[actor] = { id: String(endpoint?.id), token };
  };
  await register("owner (the key is mapped to them)", holder.token, organizationId);
  await register("creator, no longer mapped after a re-map", creator.token, organizationId);
  await register("admin with keys:read:all", team.owner.token, organizationId);
  await register("location-scoped (the key's location)", team.owner.token, organizationId, north);
  await register("location-scoped (another location)", team.owner.token, organizationId, south);
  await register("other member", other.token, organizationId);
  const elsewhere = await keyTeam(server, "Elsewhere Motors");
  await register("outsider", elsewhere.owner.token, elsewhere.organization.id);

  // Live subscriptions, each known to be listening once it hears a key it may see ("warm-up").
  const clients = Object.fromEntries(Object.entries(actors).map(([name, actor]) => [name, wsClient(server, `Bearer ${actor.auth}`)]));
  try {
    // Opened before `keyEvents` on the same socket, so listening once `keyEvents` hears its warm-up.
    const expiring = Object.fromEntries(
      Object.entries(clients).map(([name, client]) => [name, wsCollect(client, KEY_EXPIRING, { organizationId })]),
    );
    const streams = Object.fromEntries(
      Object.entries(clients).map(([name, client]) => [name, wsCollect(client, KEY_EVENTS, { organizationId })]),
    );
    const hears = (actor: string, keyId: string, type = "key.created") =>
      streams[actor]?.until(
        (items) => items.some((item) => item.data?.keyEvents.keyId === keyId && item.data.keyEvents.type === type),
        5_000,
      );
    const marker = async (name: string, input: Record<string, unknown>, token: string, listeners: string[]) => {
      // Repeated until heard: a subscription starts listening a moment after it is opened.
      for (;;) {
        const { key } = await team.createKey({ name, ...input }, token);
        const heard = await Promise.all(
          listeners.map((actor) =>
            hears(actor, key.id)?.then(
              () => true,
              () => false,
            ),
          ),
        );
        if (heard.every(Boolean)) return key.id as string;
      }
    };
    const outsiderRefused = streams.outsider?.until(() => streams.outsider?.failure !== null);
    await marker("Warm-up north", { locationId: north, mappedUserId: holder.userId }, team.owner.token, [
      "owner (the key is mapped to them)",
      "admin with keys:read:all",
      "location-scoped (the key's location)",
    ]);
    await marker("Warm-up creator", {}, creator.token, ["creator, no longer mapped after a re-map"]);
    await marker("Warm-up south", { locationId: south }, team.owner.token, ["location-scoped (another location)"]);
    await marker("Warm-up other", {}, other.token, ["other member"]);
    await outsiderRefused;

    // The key: created by one member at a location, re-mapped by an admin to another, then warned about.
    const { key } = await team.createKey(
      { name: "Re-mapped", locationId: north, expiresAt: new Date(Date.now() + 3 * DAY).toISOString() },
      creator.token,
    );
    const { updateKey } = await graphqlData(
      server,
      `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { userErrors { code message } } }`,
      { input: { id: key.id, mappedUserId: holder.userId } },
      team.owner.token,
    );
    expect(updateKey.userErrors).toEqual([]);
    await sql(server.databaseUrl, "select graphile_worker.add_job($1)", [KEY_DEADLINES_TASK]);
    await hears("admin with keys:read:all", key.id, "key.expiring");
    // Later news each remaining listener may see: once heard, whatever came before was decided.
    await marker("Marker south", { locationId: south }, team.owner.token, ["location-scoped (another location)"]);
    await marker("Marker other", {}, other.token, ["other member"]);
    // Those expected to hear the warning are waited for; one that never does shows up in its row.
    for (const actor of Object.keys(actors)) {
      if (EXPECTED[actor]?.keyEvents) await hears(actor, key.id, "key.expiring")?.catch(() => undefined);
      if (EXPECTED[actor]?.keyExpiring)
        await expiring[actor]
          ?.until((items) => items.some((item) => item.data?.keyExpiring.keyId === key.id), 5_000)
          .catch(() => undefined);
    }
    // Both events fanned out and sent where they go: every message of an event is made in one transaction.
    await receiver.waitFor(
      2,
      (request) =>
        request.path === pathOf("admin with keys:read:all") &&
        NEWS.includes(JSON.parse(request.body).type) &&
        JSON.parse(request.body).data.keyId === key.id,
    );

    for (const [name, actor] of Object.entries(actors)) {
      const keys = await graphql(server, KEYS, { id: organizationId }, actor.auth);
      const badge = await graphql(server, BADGE_KEYS, { organizationId, after: null }, actor.auth);
      const node = await graphql(server, NODE, { id: key.id }, actor.auth);
      const catchUp = await graphql(server, CATCH_UP, { id: organizationId }, actor.auth);
      const newsOf = (events: Array<{ type: string; keyId: string }>) =>
        NEWS.filter((type) => events.some((event) => event.type === type && event.keyId === key.id));
      const live = newsOf((streams[name]?.received ?? []).flatMap((item) => (item.data ? [item.data.keyEvents] : [])));
      const caughtUp = newsOf(catchUp.data?.organization?.keyEvents?.nodes ?? []);
      const endpoint = endpointOf[name];
      let webhook: Row["webhook"] = null;
      if (endpoint) {
        const messages = (await endpointMessages(server, endpoint.token, endpoint.id)).messages.nodes;
        const sent = messages.filter((message) => JSON.parse(message.body).data.keyId === key.id && NEWS.includes(message.eventType));
        if (sent.length)
          await receiver.waitFor(
            sent.length,
            (request) => request.path === pathOf(name) && sent.some((message) => message.body === request.body),
          );
        webhook = all(sent);
      }
      let notified: boolean | null = null;
      if (actor.person) {
        const { viewer } = await graphqlData(server, NOTIFICATIONS, {}, actor.auth);
        notified = viewer.notifications.nodes.some(
          (item: { type: string; data: { keyId: string } }) => item.type === "key.expiring" && item.data.keyId === key.id,
        );
      }
      observed[name] = {
        keys: keys.data?.organization ? keys.data.organization.keys.nodes.some((node: { id: string }) => node.id === key.id) : null,
        // The only key of the organisation with an expiry.
        badge: badge.data?.organization
          ? badge.data.organization.keys.nodes.some((node: { expiresAt: string | null }) => node.expiresAt === key.expiresAt)
          : null,
        node: node.data?.node?.id === key.id,
        keyEvents: all(live),
        keyExpiring: (expiring[name]?.received ?? []).some((item) => item.data?.keyExpiring.keyId === key.id),
        catchUp: catchUp.data?.organization ? all(caughtUp) : null,
        webhook,
        notified,
      };
    }
  } finally {
    await Promise.all(Object.values(clients).map((client) => client.dispose()));
  }
}

describe("who may read a key: one rule on every path", () => {
  it.each(Object.keys(EXPECTED))("%s", (actor) => {
    expect(observed[actor]).toEqual(EXPECTED[actor]);
  });
});

describe("key events stored before payloads carried database IDs", () => {
  it("are shown, as before, to whoever may read the key, with the same public data", async () => {
    const team = await keyTeam(server, "Legacy Motors");
    const holder = await team.addMember("Legacy Holder", "Developer");
    const other = await team.addMember("Legacy Other", "Developer");
    const { key } = await team.createKey({ name: "Old news", mappedUserId: holder.userId });
    // As keyEventPayload wrote them before: global IDs, no creator.
    const stored = {
      keyId: key.id,
      name: "Old news",
      kind: "SECRET",
      state: "ACTIVE",
      organizationId: team.organization.id,
      locationId: null,
      mappedUserId: holder.userId,
      expiresAt: null,
    };
    await sql(
      server.databaseUrl,
      "insert into domain_events (id, type, organization_id, subject_id, payload) values (gen_random_uuid(), 'key.leaked', $1, $2, $3::jsonb)",
      [databaseId(team.organization.id), databaseId(key.id), JSON.stringify(stored)],
    );
    const LEAKS = `query($id: ID!) { organization(id: $id) { keyEvents(types: ["key.leaked"]) { nodes { keyId data } } } }`;
    const leaksSeenBy = async (token: string) =>
      (await graphqlData(server, LEAKS, { id: team.organization.id }, token)).organization.keyEvents.nodes;
    expect(await leaksSeenBy(holder.token)).toEqual([{ keyId: key.id, data: stored }]);
    expect(await leaksSeenBy(team.owner.token)).toEqual([{ keyId: key.id, data: stored }]);
    expect(await leaksSeenBy(other.token)).toEqual([]);
  });
});
