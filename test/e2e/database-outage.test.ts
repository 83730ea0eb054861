import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureDatabase, withDatabase } from "../../server/src/db/database-url";
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from "../../server/src/db/embedded-postgres";
import { newSecret, SecretKind } from "../../server/src/keys/key-format";
import { eventually } from "../support/eventually";
import { graphqlData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { metricValue } from "../support/metrics";
import { startTestServer, type TestServer } from "../support/server";
import { wsClient, wsSubscribed } from "../support/ws-client";

// This file stops and starts PostgreSQL, so it runs its own embedded cluster rather than the run's
// shared one (which may be the server DATABASE_URL names, and which other files are using).
const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };
// A host's frontend on another origin must be able to read a 503 and its Retry-After too.
const FRONTEND = "https://app.example.test";
const KEY_EVENTS = `subscription($organizationId: ID!) { keyEvents(organizationId: $organizationId) { type keyId } }`;
const REVOKE = `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { userErrors { code } } }`;
const CONNECTED = "latchkey_event_listener_connected";
const RECONNECTS = "latchkey_event_listener_reconnects_total";
const RECONNECT_FAILURES = "latchkey_event_listener_reconnect_failures_total";

let dataDir: string;
let port: number;
let postgres: EmbeddedDatabase | null = null;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-outage-pg-"));
  port = await freePort();
  postgres = await startEmbeddedPostgres({ dataDir, port });
  const url = withDatabase(postgres.adminUrl, "latchkey_outage");
  await ensureDatabase(url);
  a = await startTestServer({ ...keyMaterial, CORS_ORIGINS: FRONTEND }, url);
  b = await startTestServer({ ...keyMaterial, CORS_ORIGINS: FRONTEND }, url);
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await postgres?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function postVerify(server: TestServer, key: string) {
  return fetch(`${server.url}/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: FRONTEND },
    body: JSON.stringify({ key }),
  });
}

async function verify(server: TestServer, key: string): Promise<boolean> {
  return ((await (await postVerify(server, key)).json()) as { valid: boolean }).valid;
}

const readiness = async (server: TestServer) => (await fetch(`${server.url}/readyz`)).status;

/** Both instances ready, each with its event listener connected (or both not). */
async function bothInstances(ready: boolean) {
  for (const server of [a, b]) {
    if ((await readiness(server)) !== (ready ? 200 : 503)) return false;
    if ((await metricValue(server, CONNECTED)) !== (ready ? 1 : 0)) return false;
  }
  return true;
}

async function postGraphql(server: TestServer, query: string, token?: string) {
  const response = await fetch(server.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", origin: FRONTEND, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    allowOrigin: response.headers.get("access-control-allow-origin"),
    text: await response.text(),
  };
}

it("heals after PostgreSQL restarts: revocations reach the other instance within a second, subscriptions old and new hear events, and none is missed while reconnecting", async () => {
  const team = await keyTeam(a, "Outage Motors");
  const organizationId = team.organization.id;
  // Both keys are verified, and so cached, on B before the outage; the second is verified again after it.
  const cachedBefore = await team.createKey({ name: "Cached before the outage" });
  const cachedAgain = await team.createKey({ name: "Cached again after it" });
  const revokedWhileDeaf = await team.createKey({ name: "Revoked while B was not listening" });
  for (const key of [cachedBefore, cachedAgain, revokedWhileDeaf]) expect(await verify(b, key.secret)).toBe(true);

  const oldClient = wsClient(b, `Bearer ${team.owner.token}`);
  const newClient = wsClient(b, `Bearer ${team.owner.token}`);
  try {
    const oldStream = await wsSubscribed(b, oldClient, KEY_EVENTS, { organizationId });

    await postgres?.stop();
    postgres = null;
    await eventually(async () => expect(await bothInstances(false), "both instances report the outage in /readyz and /metrics").toBe(true));

    // GraphQL during the outage: 503 with a clear code and Retry-After, and nothing about the database's internals.
    const refusals = [
      await postGraphql(a, `{ viewer { id } }`, team.owner.token),
      await postGraphql(a, `mutation { signIn(input: { email: "${team.owner.email}", password: "wrong password" }) { token } }`),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(503);
      expect(refusal.retryAfter).toMatch(/^\d+$/);
      expect(refusal.allowOrigin).toBe(FRONTEND);
      expect(JSON.parse(refusal.text).errors).toEqual([
        expect.objectContaining({ message: expect.any(String), extensions: { code: "SERVICE_UNAVAILABLE" } }),
      ]);
      expect(refusal.text).not.toMatch(new RegExp(`ECONNREFUSED|${port}|127\\.0\\.0\\.1|postgres|knex|terminat|stack`, "i"));
    }
    // A key B has not cached needs the database: the verify endpoint says so the same way.
    const uncached = await postVerify(b, newSecret(SecretKind.SECRET));
    expect(uncached.status).toBe(503);
    expect(uncached.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(uncached.headers.get("access-control-allow-origin")).toBe(FRONTEND);
    expect(await uncached.json()).toEqual({ error: "service_unavailable", message: expect.any(String), requestId: expect.any(String) });
    // So do the other routes that need the database.
    const routeRefusals = [
      await fetch(`${a.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: FRONTEND },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: "lkci_unknown",
          client_secret: newSecret(SecretKind.OAUTH_CLIENT),
        }),
      }),
      await fetch(`${a.url}/v1/keys/report-leak`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ secrets: [newSecret(SecretKind.SECRET)] }),
      }),
    ];
    expect(routeRefusals[0]?.headers.get("access-control-allow-origin")).toBe(FRONTEND);
    // A preflight needs no database: the frontend's browser may still send the request and read its 503.
    for (const path of ["/graphql", "/v1/keys/verify", "/oauth/token"]) {
      const preflight = await fetch(`${a.url}${path}`, {
        method: "OPTIONS",
        headers: {
          origin: FRONTEND,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });
      expect(preflight.status, path).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin"), path).toBe(FRONTEND);
    }
    for (const refusal of routeRefusals) {
      const text = await refusal.text();
      expect({ status: refusal.status, retryAfter: refusal.headers.get("retry-after") }).toEqual({
        status: 503,
        retryAfter: expect.stringMatching(/^\d+$/),
      });
      expect(JSON.parse(text)).toMatchObject({ error: "service_unavailable" });
      expect(text).not.toMatch(new RegExp(`ECONNREFUSED|${port}|127\\.0\\.0\\.1|postgres|knex|terminat|stack`, "i"));
    }
    // while keys B verified before the outage still verify from its cache: no revocation can happen meanwhile.
    expect(await verify(b, cachedBefore.secret)).toBe(true);
    // A WebSocket opened now is asked to try again later (1013), not told its credential is refused
    // (4403), after which clients such as the extension stop reconnecting for good.
    let refusedSocket: Client | undefined;
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
      refusedSocket = wsClient(b, `Bearer ${team.owner.token}`, resolve);
    });
    await refusedSocket?.dispose();
    expect(closed.code).toBe(1013);
    expect(closed.reason).not.toMatch(/ECONNREFUSED|postgres|credential/i);

    // Keep PostgreSQL down until each listener has failed to reconnect several times over (backoff
    // 100 ms doubling): a listener that gives up after an attempt or two would never hear events again.
    // After six failures B's next attempt is at least 2.5 s away, which leaves it deaf for a while
    // after PostgreSQL is back.
    await eventually(async () => {
      for (const server of [a, b]) expect(await metricValue(server, RECONNECT_FAILURES)).toBeGreaterThanOrEqual(6);
    });

    // Start PostgreSQL just after one of B's attempts failed, so that its next is seconds away.
    const failuresSoFar = await metricValue(b, RECONNECT_FAILURES);
    await eventually(async () => expect(await metricValue(b, RECONNECT_FAILURES)).toBeGreaterThan(failuresSoFar), { intervalMs: 10 });
    postgres = await startEmbeddedPostgres({ dataDir, port });
    // A key made while B's listener is still reconnecting: B hears no NOTIFY for it, and must catch up.
    const madeWhileDeaf = await team.createKey({ name: "Made while B was not listening" });
    const { revokeKey: deafRevocation } = await graphqlData(
      a,
      REVOKE,
      { input: { id: revokedWhileDeaf.key.id, reason: "outage drill" } },
      team.owner.token,
    );
    expect(deafRevocation.userErrors).toEqual([]);
    expect(await metricValue(b, CONNECTED)).toBe(0);
    await eventually(
      async () => expect(await bothInstances(true), "both instances are ready again with their event listeners connected").toBe(true),
      { timeoutMs: 30_000 },
    );
    expect(await metricValue(b, RECONNECTS)).toBeGreaterThanOrEqual(1);
    // B heard nothing of this revocation, but emptied its cache on reconnecting.
    expect(await verify(b, revokedWhileDeaf.secret)).toBe(false);
    expect(await verify(b, cachedAgain.secret)).toBe(true);

    const newStream = await wsSubscribed(b, newClient, KEY_EVENTS, { organizationId });

    // Each revocation on A is refused on B within a second: for the key B had cached only before the
    // outage (its cache was emptied on reconnect), and for the one it cached again after (evicted by NOTIFY).
    for (const key of [cachedBefore, cachedAgain]) {
      const { revokeKey } = await graphqlData(a, REVOKE, { input: { id: key.key.id, reason: "outage drill" } }, team.owner.token);
      expect(revokeKey.userErrors).toEqual([]);
      await eventually(async () => expect(await verify(b, key.secret), `B still accepts ${key.key.name}`).toBe(false), {
        timeoutMs: 1_000,
      });
    }

    const revokedIds = [cachedBefore.key.id, cachedAgain.key.id];
    const heardRevocations = (items: typeof oldStream.received) =>
      revokedIds.every((id) => items.some((item) => item.data?.keyEvents.type === "key.revoked" && item.data.keyEvents.keyId === id));
    await oldStream.until(heardRevocations, 5_000);
    expect(oldStream.received.map((item) => item.data?.keyEvents)).toContainEqual({ type: "key.created", keyId: madeWhileDeaf.key.id });
    await newStream.until(heardRevocations, 5_000);
  } finally {
    await Promise.all([oldClient.dispose(), newClient.dispose()]);
  }
}, 120_000);
