import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { deferred } from "../../../test/support/deferred";
import { eventually } from "../../../test/support/eventually";
import { loadConfig } from "../config";
import { KeyCaches } from "../keys/key-caches";
import { KeyKind, KeyState } from "../keys/key-enums";
import { newSecret, SecretKind } from "../keys/key-format";
import type { KeyGrant, KeyRecord, KeyStore, KeyUse } from "../keys/key-store";
import { createLogger } from "../observability/logger";
import { startVerifyListener, type VerifyListener } from "./verify-listener";

/**
 * The relay between the verify thread and the main thread, over real HTTP to a real thread, with a
 * key store written for the purpose: what the thread answers when the main thread's lookup fails,
 * and that its usage records arrive. test/integration/verify-listener.test.ts covers it on PostgreSQL.
 */
class ScriptedStore implements KeyStore {
  lookups = 0;
  failure: Error | undefined;
  /** While set, lookups wait for it. */
  gate: Promise<void> | undefined;
  /** Resolves when a lookup has arrived from the thread (and is waiting on `gate`, if set). */
  arrived = deferred();
  readonly uses: KeyUse[] = [];
  constructor(private readonly record: KeyRecord) {}

  async recordOf(): Promise<KeyRecord | null> {
    this.lookups++;
    this.arrived.resolve();
    await this.gate;
    if (this.failure) throw this.failure;
    return this.record;
  }

  async grantOf(): Promise<KeyGrant | null> {
    return null;
  }

  async recordUses(uses: readonly KeyUse[]): Promise<void> {
    this.uses.push(...uses);
  }
}

const record: KeyRecord = {
  id: "0190a000-0000-7000-8000-000000000001",
  secretId: "0190a000-0000-7000-8000-000000000002",
  organizationId: "0190a000-0000-7000-8000-000000000003",
  locationId: null,
  mappedUserId: "0190a000-0000-7000-8000-000000000004",
  name: "Relayed",
  kind: KeyKind.SECRET,
  publicId: null,
  state: KeyState.ACTIVE,
  expiresAt: null,
  allowedCidrs: [],
  scopes: [],
  secretExpiresAt: null,
  ownerIsMember: true,
};

let listener: VerifyListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function start(store: KeyStore, options: { env?: Record<string, string>; threadEntry?: string } = {}) {
  const caches = new KeyCaches();
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig(
    { NODE_ENV: "test", HOST: "127.0.0.1", VERIFY_PORT: "0", LOG_LEVEL: "warn", ...options.env },
    { dotenv: false },
  );
  const log = createLogger(config, destination);
  listener = await startVerifyListener({ config, log, store, caches, pepper: randomBytes(32), threadEntry: options.threadEntry });
  return { url: listener.url, lines, caches };
}

async function verify(url: string, key: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ key }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    connection: response.headers.get("connection"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Whether a TCP connection to the URL's port is refused. */
function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

/** Verifies `secret` once, then counts the store's lookups so far. */
async function lookupsAfterVerifying(url: string, store: ScriptedStore, secret: string) {
  await verify(url, secret);
  return store.lookups;
}

describe("verify listener relay", () => {
  it("answers 503 with Retry-After while the database is unavailable, and 500 with a request ID for anything else, which the main thread logs", async () => {
    const store = new ScriptedStore(record);
    const { url, lines } = await start(store);
    store.failure = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const unavailable = await verify(url, newSecret(SecretKind.SECRET));
    expect(unavailable).toMatchObject({ status: 503, body: { error: "service_unavailable" } });
    expect(Number(unavailable.retryAfter)).toBeGreaterThan(0);
    expect(lines.join("")).not.toContain("ECONNREFUSED");

    store.failure = new Error("relation api_keys does not exist");
    const broken = await verify(url, newSecret(SecretKind.SECRET));
    expect(broken).toMatchObject({ status: 500, body: { error: "internal_error" } });
    expect(broken.body.requestId).toEqual(expect.any(String));
    expect(lines.join("")).toContain("relation api_keys does not exist");
    // The thread's own line, with the request ID its caller was given, lands where the main thread's do.
    const threadLine = lines.map((line) => JSON.parse(line)).find((entry) => entry.requestId === broken.body.requestId);
    expect(threadLine).toMatchObject({ thread: "verify", msg: "unexpected key verification error" });

    store.failure = undefined;
    expect(await verify(url, newSecret(SecretKind.SECRET))).toMatchObject({ status: 200, body: { valid: true, name: "Relayed" } });
  });

  it("caches what it looked up until the main thread evicts it, even an eviction that overtakes a lookup", async () => {
    const store = new ScriptedStore(record);
    const { url, caches } = await start(store);
    const secret = newSecret(SecretKind.SECRET);
    await verify(url, secret);
    await verify(url, secret);
    expect(store.lookups).toBe(1);
    caches.evict(record.id);
    // The eviction is a message to the thread; the next request to arrive after it looks up again.
    await expect.poll(() => lookupsAfterVerifying(url, store, secret)).toBe(2);

    // A lookup under way when the key changes answers what it read, but must not cache it.
    const gate = deferred();
    store.gate = gate.promise;
    store.arrived = deferred();
    caches.evict(record.id);
    const racing = verify(url, secret);
    await store.arrived.promise;
    caches.evict(record.id);
    store.gate = undefined;
    gate.resolve();
    expect((await racing).body.valid).toBe(true);
    expect(store.lookups).toBe(3);
    await verify(url, secret);
    expect(store.lookups).toBe(4);
  });

  it("hands its usage records over when it closes, and lets a request under way finish with its connection closed", async () => {
    const store = new ScriptedStore(record);
    // Flushes far apart: only the flush on closing can deliver the use.
    const { url } = await start(store, { env: { KEY_USAGE_FLUSH_SECONDS: "300" } });
    const before = Date.now();
    expect((await verify(url, newSecret(SecretKind.SECRET))).body.valid).toBe(true);
    expect(store.uses).toEqual([]);
    const gate = deferred();
    store.gate = gate.promise;
    store.arrived = deferred();
    const underWay = verify(url, newSecret(SecretKind.SECRET));
    await store.arrived.promise;
    const closing = listener?.close();
    listener = undefined;
    // Once the port refuses connections the thread is stopping; only then may the lookup finish.
    await eventually(() => expect(refusesConnections(url)).resolves.toBe(true));
    gate.resolve();
    const answered = await underWay;
    expect(answered).toMatchObject({ status: 200, connection: "close", body: { valid: true } });
    await closing;
    expect(store.uses.map(([keyId]) => keyId)).toContain(record.id);
    expect(Math.max(...store.uses.map(([, at]) => at))).toBeGreaterThanOrEqual(before);
    await expect(verify(url, newSecret(SecretKind.SECRET))).rejects.toThrow();
  });

  it("replaces a thread that dies on the same port, with an empty cache that evictions still reach", async () => {
    const store = new ScriptedStore(record);
    const threadEntry = path.join(__dirname, "fixtures/crashable-verify-thread.cjs");
    const { url, caches, lines } = await start(store, { threadEntry });
    const secret = newSecret(SecretKind.SECRET);
    await verify(url, secret);
    expect(store.lookups).toBe(1);
    await expect(verify(url, secret, { "x-end-thread": "first" })).rejects.toThrow();
    const answer = await eventually(() => verify(url, secret));
    expect(answer).toMatchObject({ status: 200, body: { valid: true } });
    expect(store.lookups).toBe(2);
    caches.evict(record.id);
    await expect.poll(() => lookupsAfterVerifying(url, store, secret)).toBe(3);
    const logged = lines.join("");
    expect(logged).toContain("the test ended this thread");
    expect(logged).toContain("the verify listener's thread ended unexpectedly");
  });

  it("closes while a dead thread is being replaced, leaving nothing listening", async () => {
    const store = new ScriptedStore(record);
    const { url } = await start(store, { threadEntry: path.join(__dirname, "fixtures/crashable-verify-thread.cjs") });
    await expect(verify(url, newSecret(SecretKind.SECRET), { "x-end-thread": "first" })).rejects.toThrow();
    await listener?.close();
    listener = undefined;
    await expect(verify(url, newSecret(SecretKind.SECRET))).rejects.toThrow();
  });

  it("loads none of the main thread's frameworks: no ORM, no GraphQL, no web framework, no database driver", async () => {
    const store = new ScriptedStore(record);
    const { url } = await start(store, { threadEntry: path.join(__dirname, "fixtures/module-listing-verify-thread.cjs") });
    // A lookup that fails, which the thread logs as an error, and one that succeeds and is rendered:
    // whatever these load on first use is loaded.
    store.failure = new Error("the store failed");
    expect((await verify(url, newSecret(SecretKind.SECRET))).status).toBe(500);
    store.failure = undefined;
    expect((await verify(url, newSecret(SecretKind.SECRET))).body.valid).toBe(true);
    const response = await fetch(`${url}/v1/keys/verify`, { method: "POST", headers: { "x-list-modules": "yes" } });
    const files = (await response.json()) as string[];
    const packages = new Set(files.map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(file)?.[1]));
    // The list is the thread's own: it holds the logger the thread writes with.
    expect(packages).toContain("pino");
    // Loaded, they would sit in the thread's heap, and verify answers slower in a heap that holds them
    // (see "Verify and the cost of hashing" in the README).
    for (const framework of [
      "@mikro-orm/core",
      "@mikro-orm/knex",
      "knex",
      "pg",
      "type-graphql",
      "graphql",
      "graphql-scalars",
      "fastify",
      "@apollo/server",
      "zod",
      "reflect-metadata",
    ]) {
      expect(packages, framework).not.toContain(framework);
    }
  });
});
