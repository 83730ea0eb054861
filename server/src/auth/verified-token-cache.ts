import { hash } from "node:crypto";
import { LRUCache } from "lru-cache";

export interface VerifiedTokenCacheOptions {
  /** How long a verified token is served without a signature check (never past its `exp`). 0 disables the cache. */
  ttlMs: number;
  /** Tokens kept at most; the least recently used go first. */
  maxEntries: number;
}

/**
 * What checking a JWT's signature and claims concluded, kept in memory so that a token presented
 * again costs no signature check. Keyed by the SHA-256 of the whole token, never the token: a token
 * altered anywhere, signature included, is a different key and is checked afresh. Only what depends
 * on the token alone belongs here; whatever can change while the token lives (the key behind it, the
 * client's address) the caller checks on every request. Refusals are not kept.
 */
export class VerifiedTokenCache<T> {
  private readonly entries: LRUCache<string, { value: T; until: number }> | null;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.entries = options.ttlMs > 0 ? new LRUCache({ max: options.maxEntries }) : null;
  }

  get(token: string): T | undefined {
    if (!this.entries) return undefined;
    const digest = digestOf(token);
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.value;
    this.entries.delete(digest);
    return undefined;
  }

  /** Keeps `value` until the token's expiry (`expiresAtMs`) or the TTL, whichever comes first. */
  remember(token: string, value: T, expiresAtMs: number): void {
    if (!this.entries) return;
    const until = Math.min(expiresAtMs, Date.now() + this.options.ttlMs);
    if (until > Date.now()) this.entries.set(digestOf(token), { value, until });
  }
}

/** One-shot `hash`: a `createHash` object per request cost about as much as hashing the token. */
function digestOf(token: string): string {
  return hash("sha256", token, "base64url");
}
