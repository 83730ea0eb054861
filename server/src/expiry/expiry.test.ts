import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../test/support/audit";
import { graphqlData } from "../../../test/support/graphql-client";
import { databaseId } from "../../../test/support/ids";
import { keyTeam } from "../../../test/support/keys";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { sql } from "../../../test/support/sql";
import { wsClient, wsSubscribed } from "../../../test/support/ws-client";
import { serviceContext } from "../core/service-context";
import { type Orm, openOrm } from "../db/orm";
import { EXPIRY_SWEEP_ORIGIN, sweepKeyDeadlines } from "./expiry-sweep";

const DAY = 86_400_000;
let server: TestServer;
let orm: Orm;
beforeAll(async () => {
  server = await startTestServer();
  orm = await openOrm(server.databaseUrl, { logger: () => undefined });
});
afterAll(async () => {
  await orm?.close(true);
  await server?.stop();
});

/** Runs the sweep as the scheduler would, at a chosen moment: the controllable clock. */
const sweepAt = (daysFromNow: number, start: number) =>
  sweepKeyDeadlines(serviceContext(orm.em, { origin: EXPIRY_SWEEP_ORIGIN, clock: { now: () => new Date(start + daysFromNow * DAY) } }));

async function eventsOf(keyId: string) {
  const rows = await sql(
    server.databaseUrl,
    "select type, payload from domain_events where payload->>'keyId' = $1 and type <> 'key.created' order by id",
    [databaseId(keyId)],
  );
  return rows.map((row): Record<string, unknown> => ({ type: row.type as string, ...(row.payload as Record<string, unknown>) }));
}

describe("expiry warnings", () => {
  it("warns 15, 7 and 1 days ahead, each once, then expires the key", async () => {
    const start = Date.now();
    const team = await keyTeam(server);
    const { key } = await team.createKey({ expiresAt: new Date(start + 20 * DAY).toISOString() });
    await sweepAt(0, start);
    expect(await eventsOf(key.id)).toEqual([]);
    await sweepAt(6, start);
    await sweepAt(6.5, start);
    await sweepAt(13.5, start);
    await sweepAt(19.5, start);
    await sweepAt(19.6, start);
    const warnings = (await eventsOf(key.id)).map((event) => [event.type, event.clock, event.thresholdDays, event.daysLeft]);
    expect(warnings).toEqual([
      ["key.expiring", "EXPIRY", 15, 14],
      ["key.expiring", "EXPIRY", 7, 7],
      ["key.expiring", "EXPIRY", 1, 1],
    ]);
    await sweepAt(20.1, start);
    expect((await eventsOf(key.id)).at(-1)).toMatchObject({ type: "key.expired", state: "EXPIRED" });
    const { node } = await graphqlData(
      server,
      `query($id: ID!) { node(id: $id) { ... on ApiKey { state } } }`,
      { id: key.id },
      team.owner.token,
    );
    expect(node.state).toBe("EXPIRED");
    const [entry] = (await auditLog(server, team.owner.token, team.organization.id, { actions: ["KEY_EXPIRED"] })).nodes;
    // Recorded as the job, at the time its clock gave.
    expect(entry).toMatchObject({
      targetId: key.id,
      actor: null,
      requestId: "expiry-sweep",
      occurredAt: new Date(start + 20.1 * DAY).toISOString(),
    });
  });

  it("announces only the tightest threshold when several come due at once", async () => {
    const start = Date.now();
    const team = await keyTeam(server);
    const { key } = await team.createKey({ expiresAt: new Date(start + 5 * DAY).toISOString() });
    await sweepAt(0, start);
    expect((await eventsOf(key.id)).map((event) => event.thresholdDays)).toEqual([7]);
    await sweepAt(4.5, start);
    expect((await eventsOf(key.id)).map((event) => event.thresholdDays)).toEqual([7, 1]);
  });

  it("starts over when the expiry is extended", async () => {
    const start = Date.now();
    const team = await keyTeam(server);
    const { key } = await team.createKey({ expiresAt: new Date(start + 10 * DAY).toISOString() });
    await sweepAt(0, start);
    await graphqlData(
      server,
      `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { userErrors { code } } }`,
      { input: { id: key.id, expiresAt: new Date(start + 40 * DAY).toISOString() } },
      team.owner.token,
    );
    await sweepAt(1, start);
    await sweepAt(26, start);
    const warnings = (await eventsOf(key.id))
      .filter((event) => event.type === "key.expiring")
      .map((event) => [event.thresholdDays, event.daysLeft]);
    expect(warnings).toEqual([
      [15, 10],
      [15, 14],
    ]);
  });

  it("gives each warning exactly once even with two schedulers sweeping at the same moment", async () => {
    const start = Date.now();
    const team = await keyTeam(server);
    const keys = await Promise.all(
      [1, 2, 3].map((n) => team.createKey({ name: `Concurrent ${n}`, expiresAt: new Date(start + 3 * DAY).toISOString() })),
    );
    await Promise.all([sweepAt(0, start), sweepAt(0, start), sweepAt(0, start)]);
    for (const { key } of keys) expect((await eventsOf(key.id)).map((event) => event.type)).toEqual(["key.expiring"]);
  });
});

describe("inactivity", () => {
  it("warns before the inactivity deadline, resets on use, disables, then deletes with an audit entry", async () => {
    const start = Date.now();
    const team = await keyTeam(server);
    await team.updateSettings({ inactivityDays: 30, maxKeyLifetimeDays: null });
    const { key } = await team.createKey({ name: "Dormant" });
    await sweepAt(16, start);
    expect((await eventsOf(key.id)).map((event) => [event.clock, event.thresholdDays, event.daysLeft])).toEqual([["INACTIVITY", 15, 14]]);

    // Used on day 18 (recorded as lastUsedAt by the verify path): the deadline moves to day 48.
    await sql(
      server.databaseUrl,
      "update api_keys set last_used_at = created_at + interval '18 days' where id = (select id from api_keys where name = 'Dormant' and organization_id = (select organization_id from api_keys where name = 'Dormant' limit 1))",
    );
    await sweepAt(20, start);
    expect(await eventsOf(key.id)).toHaveLength(1);
    await sweepAt(34, start);
    expect((await eventsOf(key.id)).map((event) => event.daysLeft)).toEqual([14, 14]);

    await sweepAt(48.1, start);
    expect((await eventsOf(key.id)).at(-1)).toMatchObject({ type: "key.disabled_for_inactivity", state: "DISABLED" });
    await sweepAt(60, start);
    expect((await eventsOf(key.id)).at(-1)?.type).toBe("key.disabled_for_inactivity");
    await sweepAt(78.2, start);
    expect((await eventsOf(key.id)).at(-1)?.type).toBe("key.deleted_for_inactivity");
    const { node } = await graphqlData(server, `query($id: ID!) { node(id: $id) { id } }`, { id: key.id }, team.owner.token);
    expect(node).toBeNull();
    const log = await auditLog(server, team.owner.token, team.organization.id, { targetId: key.id });
    expect(log.nodes.map((entry) => entry.action).slice(0, 2)).toEqual(["KEY_DELETED_FOR_INACTIVITY", "KEY_DISABLED_FOR_INACTIVITY"]);
  });
});

describe("inactivity thresholds", () => {
  it("warns 15, 7 and 1 days before the inactivity deadline, and a rotation starts the clock over", async () => {
    const start = Date.now();
    const team = await keyTeam(server);
    await team.updateSettings({ inactivityDays: 30, maxKeyLifetimeDays: null });
    const { key } = await team.createKey({ name: "Quiet" });
    for (const day of [16, 16.5, 23.1, 29.1, 29.5]) await sweepAt(day, start);
    expect((await eventsOf(key.id)).map((event) => [event.clock, event.thresholdDays, event.daysLeft])).toEqual([
      ["INACTIVITY", 15, 14],
      ["INACTIVITY", 7, 7],
      ["INACTIVITY", 1, 1],
    ]);
    await graphqlData(
      server,
      `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { userErrors { code } } }`,
      { input: { id: key.id } },
      team.owner.token,
    );
    await sweepAt(1, Date.now());
    const afterRotation = (await eventsOf(key.id)).filter((event) => event.type !== "key.rotated");
    expect(afterRotation).toHaveLength(3);
    await sweepAt(16, Date.now());
    expect((await eventsOf(key.id)).filter((event) => event.type === "key.expiring").map((event) => event.daysLeft)).toEqual([
      14, 7, 1, 14,
    ]);
  });
});

describe("keyExpiring subscription", () => {
  it("delivers warnings within the asked number of days to subscribers who may see the key", async () => {
    const start = Date.now();
    const team = await keyTeam(server);
    const soon = await team.createKey({ name: "Soon", expiresAt: new Date(start + 3 * DAY).toISOString() });
    await team.createKey({ name: "Later", expiresAt: new Date(start + 12 * DAY).toISOString() });
    const client = wsClient(server, `Bearer ${team.owner.token}`);
    try {
      const stream = await wsSubscribed(
        server,
        client,
        `subscription($id: ID!) { keyExpiring(organizationId: $id, withinDays: 7) { type keyId data } }`,
        { id: team.organization.id },
      );
      // Warns of "Soon" (3 days left) and of "Later" (12 days left, beyond what was asked).
      await sweepAt(0, start);
      // A later warning that must arrive: once it has, the earlier one of "Later" would have too.
      await sweepAt(2.5, start);
      await stream.until((items) => items.length >= 2);
      expect(stream.received.map((item) => [item.data.keyExpiring.keyId, item.data.keyExpiring.data.daysLeft])).toEqual([
        [soon.key.id, 3],
        [soon.key.id, 1],
      ]);
    } finally {
      await client.dispose();
    }
  });
});

describe("in-app notifications", () => {
  it("tells the key's people about warnings and expiry, and lets them mark notifications read", async () => {
    const start = Date.now();
    const team = await keyTeam(server);
    const { key } = await team.createKey({ name: "Billing export", expiresAt: new Date(start + 2 * DAY).toISOString() });
    await sweepAt(0, start);
    await sweepAt(2.1, start);
    const NOTIFICATIONS = `query($unread: Boolean) { viewer { notifications(unreadOnly: $unread) { totalCount nodes { id type message readAt data } } } }`;
    const { viewer } = await graphqlData(server, NOTIFICATIONS, { unread: true }, team.owner.token);
    expect(viewer.notifications.nodes.map((item: { type: string; message: string }) => [item.type, item.message])).toEqual([
      ["key.expired", 'Key "Billing export" has expired.'],
      ["key.expiring", 'Key "Billing export" expires in 2 days.'],
    ]);
    expect(viewer.notifications.nodes[0].data.keyId).toBe(key.id);

    const stranger = await keyTeam(server, "Stranger");
    const theirs = await graphqlData(server, NOTIFICATIONS, {}, stranger.owner.token);
    expect(theirs.viewer.notifications.totalCount).toBe(0);

    const MARK = `mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { markedCount userErrors { code } } }`;
    const one = await graphqlData(server, MARK, { input: { ids: [viewer.notifications.nodes[1].id] } }, team.owner.token);
    expect(one.markNotificationsRead).toEqual({ markedCount: 1, userErrors: [] });
    const foreign = await graphqlData(server, MARK, { input: { ids: [viewer.notifications.nodes[0].id] } }, stranger.owner.token);
    expect(foreign.markNotificationsRead.markedCount).toBe(0);
    const rest = await graphqlData(server, MARK, { input: { all: true } }, team.owner.token);
    expect(rest.markNotificationsRead.markedCount).toBe(1);
    const after = await graphqlData(server, NOTIFICATIONS, { unread: true }, team.owner.token);
    expect(after.viewer.notifications.totalCount).toBe(0);
  });
});
