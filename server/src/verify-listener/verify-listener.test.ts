import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
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
  readonly uses: KeyUse[] = [];
  constructor(private readonly record: KeyRecord) {}

  async recordOf(): Promise<KeyRecord | null> {
    this.lookups++;
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

async function start(store: KeyStore, caches = new KeyCaches()) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: "test", HOST: "127.0.0.1", VERIFY_PORT: "0", LOG_LEVEL: "warn" }, { dotenv: false });
  listener = await startVerifyListener({ config, log: createLogger(config, destination), store, caches, pepper: randomBytes(32) });
  return { url: listener.url, lines, caches };
}

async function verify(url: string, key: string) {
  const response = await fetch(`${url}/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as Record<string, unknown>,
  };
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

    store.failure = undefined;
    expect(await verify(url, newSecret(SecretKind.SECRET))).toMatchObject({ status: 200, body: { valid: true, name: "Relayed" } });
  });

  it("caches what it looked up until the main thread evicts it, and hands its usage records over when it closes", async () => {
    const store = new ScriptedStore(record);
    const { url, caches } = await start(store);
    const secret = newSecret(SecretKind.SECRET);
    await verify(url, secret);
    await verify(url, secret);
    expect(store.lookups).toBe(1);
    caches.evict(record.id);
    // The eviction is a message to the thread; the next request to arrive after it looks up again.
    await expect
      .poll(async () => {
        await verify(url, secret);
        return store.lookups;
      })
      .toBeGreaterThan(1);
    const before = Date.now();
    await listener?.close();
    listener = undefined;
    expect(store.uses.map(([keyId]) => keyId)).toContain(record.id);
    expect(Math.max(...store.uses.map(([, at]) => at))).toBeGreaterThanOrEqual(before - 5_000);
  });
});
