import type { EntityManager } from "@mikro-orm/postgresql";
import type { PlatformActor } from "../auth/actor";
import type { KeyCrypto } from "../keys/key-crypto";
import { checkSecret, SecretKind } from "../keys/key-format";

interface PlatformKeyRow {
  id: string;
  revoked_at: Date | string | null;
}

/**
 * Verifies platform keys: shape and checksum first (no I/O), then one lookup by peppered digest,
 * cached for a short while. A revocation on any instance evicts every instance's cache through the
 * outbox's NOTIFY (`platform_key.revoked`), so a revoked key stops at once everywhere.
 */
export class PlatformKeyVerifier {
  private readonly cache = new Map<string, { keyId: string | null; until: number }>();
  /** Bumped by every eviction: a lookup that raced with one must not cache what it read. */
  private generation = 0;

  constructor(
    private readonly em: EntityManager,
    private readonly crypto: KeyCrypto,
    private readonly cacheMilliseconds: number,
  ) {}

  /** The platform actor for a valid, unrevoked key; null for anything else. */
  async verify(secret: string): Promise<PlatformActor | null> {
    const check = checkSecret(secret);
    if (!check.ok || check.kind !== SecretKind.PLATFORM) return null;
    const digest = this.crypto.digest(secret);
    const keyId = await this.activeKeyId(digest);
    return keyId ? { userId: null, sessionId: null, platform: { platformKeyId: keyId } } : null;
  }

  private async activeKeyId(digest: string): Promise<string | null> {
    const cached = this.cache.get(digest);
    if (cached && cached.until > Date.now()) return cached.keyId;
    const generation = this.generation;
    const [row] = await this.em
      .getConnection()
      .execute<PlatformKeyRow[]>("select id, revoked_at from platform_keys where digest = ?", [digest]);
    const keyId = row && !row.revoked_at ? row.id : null;
    // Unknown digests are not cached: a flood of made-up keys must not grow the map.
    if (keyId && this.cacheMilliseconds > 0 && generation === this.generation) {
      this.cache.set(digest, { keyId, until: Date.now() + this.cacheMilliseconds });
    }
    return keyId;
  }

  /** Forgets a key's cached verification: called when any instance revokes it. */
  evict(platformKeyId: string): void {
    this.generation++;
    for (const [digest, entry] of this.cache) if (entry.keyId === platformKeyId) this.cache.delete(digest);
  }

  /** Forgets everything: after the event listener reconnects, notifications may have been missed. */
  clear(): void {
    this.generation++;
    this.cache.clear();
  }
}
