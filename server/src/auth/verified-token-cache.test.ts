import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { VerifiedTokenCache } from "./verified-token-cache";

const NOW = Date.UTC(2026, 0, 1);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe("the cache of verified tokens", () => {
  it("serves a token until its exp when that comes before the TTL, and not a moment after", () => {
    const cache = new VerifiedTokenCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    cache.remember("header.claims.signature", "actor", NOW + 10_000);
    vi.setSystemTime(NOW + 9_999);
    expect(cache.get("header.claims.signature")).toBe("actor");
    vi.setSystemTime(NOW + 10_000);
    expect(cache.get("header.claims.signature")).toBeUndefined();
  });

  it("serves a long-lived token only for the TTL", () => {
    const cache = new VerifiedTokenCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    cache.remember("header.claims.signature", "actor", NOW + 600_000);
    vi.setSystemTime(NOW + 60_000);
    expect(cache.get("header.claims.signature")).toBeUndefined();
  });

  it("answers only the very token it was given: one character more, less or other is unknown", () => {
    const cache = new VerifiedTokenCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    cache.remember("header.claims.signature", "actor", NOW + 10_000);
    for (const other of ["header.claims.signaturE", "header.claims.signature.", "header.claims.signatur"]) {
      expect(cache.get(other)).toBeUndefined();
    }
  });

  it("keeps nothing already expired, nothing when off, and at most maxEntries", () => {
    const cache = new VerifiedTokenCache<string>({ ttlMs: 60_000, maxEntries: 2 });
    cache.remember("expired", "actor", NOW);
    expect(cache.get("expired")).toBeUndefined();
    for (const token of ["a", "b", "c"]) cache.remember(token, token, NOW + 10_000);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, "b", "c"]);
    const off = new VerifiedTokenCache<string>({ ttlMs: 0, maxEntries: 2 });
    off.remember("a", "a", NOW + 10_000);
    expect(off.get("a")).toBeUndefined();
  });
});
