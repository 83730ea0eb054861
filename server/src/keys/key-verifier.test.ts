import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred } from "../../../test/support/deferred";
import { hmacSha256Hex } from "./hmac-sha256";
import { KeyKind, KeyState } from "./key-enums";
import { newSecret, SecretKind } from "./key-format";
import type { KeyRecord, KeyStore } from "./key-store";
import { KeyVerifier, VerifyCode } from "./key-verifier";

const CACHE_MS = 1_000;

function recordOf(state: KeyState): KeyRecord {
  return {
    id: "key-1",
    secretId: "secret-1",
    organizationId: "org-1",
    locationId: null,
    mappedUserId: "user-1",
    name: "Integration",
    kind: KeyKind.SECRET,
    publicId: null,
    scopes: [],
    secretExpiresAt: null,
    ownerIsMember: true,
    state,
    expiresAt: null,
    allowedCidrs: [],
  };
}

/** A store whose reads wait until the test answers them, one by one, in the order they were made. */
class HeldStore implements KeyStore {
  readonly reads: Array<ReturnType<typeof deferred<KeyRecord | null>> & { fail(error: Error): void }> = [];

  recordOf(): Promise<KeyRecord | null> {
    let fail: (error: Error) => void = () => undefined;
    const read = deferred<KeyRecord | null>();
    const promise = new Promise<KeyRecord | null>((resolve, reject) => {
      read.promise.then(resolve);
      fail = reject;
    });
    this.reads.push({ ...read, promise, fail });
    return promise;
  }

  grantOf(): Promise<null> {
    return Promise.resolve(null);
  }

  async recordUses(): Promise<void> {}
}

const secret = newSecret(SecretKind.SECRET);
const presented = { secret, kinds: [KeyKind.SECRET] };

describe("KeyVerifier's cache", () => {
  let store: HeldStore;
  let verifier: KeyVerifier;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(0);
    store = new HeldStore();
    verifier = new KeyVerifier(store, { digest: hmacSha256Hex(Buffer.from("pepper")) }, CACHE_MS);
  });

  afterEach(async () => {
    await verifier.close();
    vi.useRealTimers();
  });

  /** A first use read and cached, then a use in the last fifth of the entry's life, which starts a refresh: its answer. */
  async function useInRefreshWindow() {
    const first = verifier.verify(presented, null);
    store.reads[0].resolve(recordOf(KeyState.ACTIVE));
    expect((await first).code).toBe(VerifyCode.VALID);
    vi.setSystemTime(CACHE_MS * 0.85);
    return verifier.verifyWithoutIo(presented, null);
  }

  it("makes one read for requests that miss together", async () => {
    const answers = Promise.all(Array.from({ length: 32 }, () => verifier.verify(presented, null)));
    expect(store.reads).toHaveLength(1);
    store.reads[0].resolve(recordOf(KeyState.ACTIVE));
    expect((await answers).map((answer) => answer.code)).toEqual(Array(32).fill(VerifyCode.VALID));
  });

  it("answers a key in use from its entry to the end, reading it again once before then, so it never waits", async () => {
    // In the last fifth of the entry's life: answered at once, and read again in the background, once.
    expect((await useInRefreshWindow())?.code).toBe(VerifyCode.VALID);
    expect(verifier.verifyWithoutIo(presented, null)?.code).toBe(VerifyCode.VALID);
    expect(store.reads).toHaveLength(2);

    vi.setSystemTime(CACHE_MS * 0.9);
    store.reads[1].resolve(recordOf(KeyState.ACTIVE));
    await store.reads[1].promise;
    // Past the first entry's end, the second answers: no request had to wait for a read.
    vi.setSystemTime(CACHE_MS * 1.5);
    expect(verifier.verifyWithoutIo(presented, null)?.code).toBe(VerifyCode.VALID);
    expect(store.reads).toHaveLength(2);
  });

  it("does not share a read begun before an eviction with a request after it", async () => {
    const before = verifier.verify(presented, null);
    verifier.evict("key-1");
    const after = verifier.verify(presented, null);
    expect(store.reads).toHaveLength(2);
    // The first read saw the key before its revocation, the second after; the first answers last.
    store.reads[1].resolve(recordOf(KeyState.REVOKED));
    await store.reads[1].promise;
    store.reads[0].resolve(recordOf(KeyState.ACTIVE));
    expect((await before).code).toBe(VerifyCode.VALID);
    expect((await after).code).toBe(VerifyCode.REVOKED);
    // And what is cached is what the later read found.
    expect(verifier.verifyWithoutIo(presented, null)?.code).toBe(VerifyCode.REVOKED);
  });

  it("does not cache what a refresh read before an eviction", async () => {
    await useInRefreshWindow();
    expect(store.reads).toHaveLength(2);
    verifier.evict("key-1");
    store.reads[1].resolve(recordOf(KeyState.ACTIVE));
    await store.reads[1].promise;
    expect(verifier.verifyWithoutIo(presented, null)).toBeUndefined();
  });

  it("lets a request that misses after expiry share the refresh under way", async () => {
    await useInRefreshWindow();
    vi.setSystemTime(CACHE_MS * 1.01);
    const missed = verifier.verify(presented, null);
    expect(store.reads).toHaveLength(2);
    store.reads[1].resolve(recordOf(KeyState.REVOKED));
    expect((await missed).code).toBe(VerifyCode.REVOKED);
  });

  it("lets an entry whose refresh failed expire rather than read again for every request", async () => {
    expect((await useInRefreshWindow())?.code).toBe(VerifyCode.VALID);
    store.reads[1].fail(new Error("the database is unavailable"));
    await store.reads[1].promise.catch(() => undefined);

    vi.setSystemTime(CACHE_MS * 0.95);
    for (let request = 0; request < 10; request++) expect(verifier.verifyWithoutIo(presented, null)?.code).toBe(VerifyCode.VALID);
    expect(store.reads).toHaveLength(2);

    // Expired, the next request reads it again.
    vi.setSystemTime(CACHE_MS * 1.01);
    expect(verifier.verifyWithoutIo(presented, null)).toBeUndefined();
    const later = verifier.verify(presented, null);
    expect(store.reads).toHaveLength(3);
    store.reads[2].resolve(recordOf(KeyState.ACTIVE));
    expect((await later).code).toBe(VerifyCode.VALID);
  });

  it("drops an entry whose refresh finds the key gone", async () => {
    await useInRefreshWindow();
    store.reads[1].resolve(null);
    await store.reads[1].promise;
    expect(verifier.verifyWithoutIo(presented, null)).toBeUndefined();
  });
});
