import type { Permission } from "../auth/permission";
import type { CallerChange } from "../events/events";
import { addressAllowed } from "./address-allowed";
import type { KeyCrypto } from "./key-crypto";
import { KeyKind, KeyState } from "./key-enums";
import { checkSecret, SECRET_LENGTH, SecretKind } from "./key-format";
import type { KeyGrant, KeyRecord, KeyStore } from "./key-store";

/** Why a presented key was refused (or VALID). Stable codes for services that verify keys through us. */
export enum VerifyCode {
  VALID = "VALID",
  MALFORMED = "MALFORMED",
  BAD_CHECKSUM = "BAD_CHECKSUM",
  NOT_FOUND = "NOT_FOUND",
  REVOKED = "REVOKED",
  EXPIRED = "EXPIRED",
  DISABLED = "DISABLED",
  PENDING_APPROVAL = "PENDING_APPROVAL",
  ADDRESS_NOT_ALLOWED = "ADDRESS_NOT_ALLOWED",
  /** The user the key acts for is no longer a member of its organisation. */
  OWNER_REMOVED = "OWNER_REMOVED",
}

export type Verification = { valid: true; code: VerifyCode.VALID; key: KeyRecord } | { valid: false; code: VerifyCode; key?: KeyRecord };

export interface PresentedKey {
  secret: string;
  /** For KEY_PAIR, BASIC and OAUTH_CLIENT: the public half, which must belong to the same key. */
  publicId?: string | null;
  /** The kinds acceptable where the key was presented (a Bearer header takes SECRET keys only). */
  kinds: readonly KeyKind[];
}

/** The part of a cache entry's life in which a use reads it again, in the background. */
const REFRESH_AHEAD = 0.2;

/** A cached record, and when (epoch milliseconds) it expires and when a use should read it again. */
interface CacheEntry {
  record: KeyRecord;
  until: number;
  refreshFrom: number;
}

/** Platform keys are not API keys: they never verify here. */
const KIND_OF: Partial<Record<SecretKind, KeyKind>> = {
  [SecretKind.SECRET]: KeyKind.SECRET,
  [SecretKind.KEY_PAIR]: KeyKind.KEY_PAIR,
  [SecretKind.BASIC]: KeyKind.BASIC,
  [SecretKind.OAUTH_CLIENT]: KeyKind.OAUTH_CLIENT,
};

/**
 * The verify path: shape and checksum first (no I/O), then one indexed lookup by peppered digest,
 * cached in memory for a short while. Revocations, rotations and updates evict the cache on every
 * instance through the outbox's NOTIFY. `lastUsedAt` is written in batches, not per request.
 *
 * A key in use never waits on its cache entry's expiry: an entry in its last REFRESH_AHEAD of its
 * life is still answered from, and read again once in the background; and requests that miss
 * together (a key's first use, an eviction) share one read. Before, every request in flight when a
 * busy key's entry expired read it on its own: 32 connections made 32 lookups at once, every 30 s,
 * and the requests behind them waited (the verify listener's p99 at half load 18 to 204 ms, against 6
 * to 8 ms for the same hashing without a cache).
 */
export class KeyVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly digestsByKey = new Map<string, Set<string>>();
  /** Each key's latest use, in epoch milliseconds. */
  private readonly usage = new Map<string, number>();
  private readonly flushTimer: NodeJS.Timeout;
  /** Reads under way, by digest, with the eviction generation they started in (see `read`). */
  private readonly reading = new Map<string, { generation: number; record: Promise<KeyRecord | null> }>();

  constructor(
    private readonly store: KeyStore,
    /** Only the peppered digest is needed: the verify listener's thread has no master key. */
    private readonly crypto: Pick<KeyCrypto, "digest">,
    private readonly cacheMilliseconds: number,
    flushMilliseconds = 5_000,
  ) {
    this.flushTimer = setInterval(() => void this.flushUsage().catch(() => undefined), flushMilliseconds);
    this.flushTimer.unref();
  }

  /**
   * Cache first, as `verifyWithoutIo`; the secret is hashed once whichever way the answer comes.
   * `now` is in epoch milliseconds: the hot path compares times as numbers, without a Date per request.
   */
  async verify(presented: PresentedKey, clientAddress: string | null, now = Date.now()): Promise<Verification> {
    const digest = presented.secret.length === SECRET_LENGTH ? this.crypto.digest(presented.secret) : null;
    const known = this.fromCache(presented, digest, clientAddress, now) ?? this.precheck(presented);
    if (known) return known;
    // The precheck passed, so the secret has SECRET_LENGTH characters and `digest` is its digest.
    return this.conclude(presented, await this.lookup(digest ?? this.crypto.digest(presented.secret)), clientAddress, now);
  }

  /**
   * The same answer as `verify` when it needs no database (a malformed key, or one whose record is
   * cached), else undefined. Lets the verify endpoint answer within the request's own tick.
   *
   * A secret of the right length is hashed and looked up in the cache before its shape and checksum
   * are checked: a cached digest is the digest of a secret we issued, so both are known good, and
   * its kind is its key's (key-issuance mints each key's secrets of the key's kind). That spares the
   * busiest case a regular expression and a CRC32. Anything else is checked as `verify` checks it.
   */
  verifyWithoutIo(presented: PresentedKey, clientAddress: string | null, now = Date.now()): Verification | undefined {
    const digest = presented.secret.length === SECRET_LENGTH ? this.crypto.digest(presented.secret) : null;
    return this.fromCache(presented, digest, clientAddress, now) ?? this.precheck(presented);
  }

  /** The answer for a secret whose record is cached (by its `digest`), else undefined. */
  private fromCache(presented: PresentedKey, digest: string | null, clientAddress: string | null, now: number): Verification | undefined {
    const cached = digest === null ? undefined : this.cache.get(digest);
    if (!cached || cached.until <= now) return undefined;
    if (cached.refreshFrom <= now) this.refresh(digest as string, cached);
    const { record } = cached;
    return this.conclude(presented, presented.kinds.includes(record.kind) ? record : null, clientAddress, now);
  }

  /** Shape, checksum and kind, with no I/O and no hashing: a refusal, or undefined for a candidate worth looking up. */
  private precheck(presented: PresentedKey): Verification | undefined {
    const check = checkSecret(presented.secret);
    if (!check.ok) return { valid: false, code: VerifyCode[check.reason] };
    const kind = KIND_OF[check.kind];
    if (!kind || !presented.kinds.includes(kind)) return { valid: false, code: VerifyCode.NOT_FOUND };
    return undefined;
  }

  private conclude(presented: PresentedKey, record: KeyRecord | null, clientAddress: string | null, now: number): Verification {
    if (!record || (record.publicId !== null && record.publicId !== presented.publicId))
      return { valid: false, code: VerifyCode.NOT_FOUND };
    const code = this.judge(record, clientAddress, now);
    if (code !== VerifyCode.VALID) return { valid: false, code, key: record };
    this.usage.set(record.id, now);
    return { valid: true, code, key: record };
  }

  private judge(record: KeyRecord, clientAddress: string | null, now: number): VerifyCode {
    if (record.state === KeyState.REVOKED) return VerifyCode.REVOKED;
    if (record.state === KeyState.DISABLED) return VerifyCode.DISABLED;
    if (record.state === KeyState.PENDING) return VerifyCode.PENDING_APPROVAL;
    if (record.state === KeyState.EXPIRED || (record.expiresAt && record.expiresAt.getTime() <= now)) return VerifyCode.EXPIRED;
    // A secret superseded by rotation works until its grace period ends.
    if (record.secretExpiresAt && record.secretExpiresAt.getTime() <= now) return VerifyCode.REVOKED;
    if (!record.ownerIsMember) return VerifyCode.OWNER_REMOVED;
    if (!addressAllowed(record.allowedCidrs, clientAddress)) return VerifyCode.ADDRESS_NOT_ALLOWED;
    return VerifyCode.VALID;
  }

  /** Bumped by every eviction: a lookup that raced with one must not cache what it read. */
  private generation = 0;

  private async lookup(digest: string): Promise<KeyRecord | null> {
    const cached = this.cache.get(digest);
    if (cached && cached.until > Date.now()) return cached.record;
    return this.read(digest);
  }

  /**
   * The store's record for `digest`, cached unless an eviction came meanwhile. Reads of one digest
   * share the one under way, unless an eviction came after it started: what it reads may be what
   * the eviction was about, so a read begun later waits for one of its own.
   */
  private read(digest: string): Promise<KeyRecord | null> {
    const under = this.reading.get(digest);
    if (under && under.generation === this.generation) return under.record;
    const generation = this.generation;
    const done = () => {
      if (this.reading.get(digest)?.record === pending) this.reading.delete(digest);
    };
    const pending = this.store.recordOf(digest).then(
      (record) => {
        done();
        // Gone from the store (a refresh found it deleted): an entry answering for it must go too.
        if (!record) this.forgetDigest(digest);
        else if (this.cacheMilliseconds > 0 && generation === this.generation) this.remember(digest, record);
        return record;
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
    this.reading.set(digest, { generation, record: pending });
    return pending;
  }

  /**
   * Reads an entry near the end of its life again, answering from it meanwhile. Once per entry: a
   * read that fails (the database is down, say) leaves it to expire, rather than be retried by every
   * request until then; a read that succeeds replaces it.
   */
  private refresh(digest: string, entry: CacheEntry): void {
    entry.refreshFrom = entry.until;
    if (!this.reading.has(digest)) this.read(digest).catch(() => undefined);
  }

  private forgetDigest(digest: string): void {
    const keyId = this.cache.get(digest)?.record.id;
    this.cache.delete(digest);
    const digests = keyId === undefined ? undefined : this.digestsByKey.get(keyId);
    digests?.delete(digest);
    if (keyId !== undefined && digests?.size === 0) this.digestsByKey.delete(keyId);
  }

  private remember(digest: string, record: KeyRecord): void {
    const now = Date.now();
    this.cache.set(digest, {
      record,
      until: now + this.cacheMilliseconds,
      refreshFrom: now + this.cacheMilliseconds * (1 - REFRESH_AHEAD),
    });
    const digests = this.digestsByKey.get(record.id) ?? new Set();
    digests.add(digest);
    this.digestsByKey.set(record.id, digests);
  }

  private readonly grantsById = new Map<string, { grant: KeyGrant | null; until: number }>();

  /**
   * What a credential derived from a key (an OAuth access token) may still do: the key's current
   * scopes within its user's current role, or null once the key is no longer ACTIVE, has expired, its
   * user has left, the client address is outside its allowlist, or the secret that earned the
   * credential is no longer valid. Revoking the key ends its tokens; so does rotating away the secret
   * (at once, or when its grace period ends). Cached with the key's other facts and evicted with them.
   */
  async currentScopes(keyId: string, secretId: string, clientAddress: string | null, now = new Date()): Promise<Permission[] | null> {
    let cached = this.grantsById.get(keyId);
    if (!cached || cached.until <= Date.now()) {
      const generation = this.generation;
      const grant = await this.store.grantOf(keyId);
      cached = { grant, until: Date.now() + this.cacheMilliseconds };
      if (this.cacheMilliseconds > 0 && generation === this.generation) this.grantsById.set(keyId, cached);
    }
    const { grant } = cached;
    if (!grant || grant.state !== KeyState.ACTIVE || !grant.scopes) return null;
    const secretEnds = grant.secrets.get(secretId);
    if (secretEnds === undefined || (secretEnds && secretEnds <= now)) return null;
    if ((grant.expiresAt && grant.expiresAt <= now) || !addressAllowed(grant.allowedCidrs, clientAddress)) return null;
    this.usage.set(keyId, now.getTime());
    return grant.scopes;
  }

  /** Forgets every cached result of a key: called for key events from any instance. */
  evict(keyId: string): void {
    this.generation++;
    for (const digest of this.digestsByKey.get(keyId) ?? []) this.cache.delete(digest);
    this.digestsByKey.delete(keyId);
    this.grantsById.delete(keyId);
  }

  /**
   * Forgets what a change to callers may have made wrong: a key carries its mapped user's role, so
   * their membership changes evict their keys, and a role's change (rare) everything. null: everything.
   */
  forgetCaller(change: CallerChange | null): void {
    if (!change || change.kind === "role" || change.kind === "organization") {
      this.clear();
      return;
    }
    if (change.kind !== "user") return;
    this.generation++;
    for (const { record } of [...this.cache.values()]) if (record.mappedUserId === change.id) this.evict(record.id);
    for (const [keyId, { grant }] of [...this.grantsById]) if (grant?.mappedUserId === change.id) this.grantsById.delete(keyId);
  }

  /** Forgets everything: after the event listener reconnects, notifications may have been missed. */
  clear(): void {
    this.generation++;
    this.cache.clear();
    this.digestsByKey.clear();
    this.grantsById.clear();
  }

  /** Writes the latest use of every key used since the last flush, in one statement. */
  async flushUsage(): Promise<void> {
    if (!this.usage.size) return;
    const batch = [...this.usage];
    this.usage.clear();
    await this.store.recordUses(batch);
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushUsage().catch(() => undefined);
  }
}
