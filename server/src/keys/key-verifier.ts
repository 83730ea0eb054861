import type { EntityManager } from "@mikro-orm/postgresql";
import { registerEnumType } from "type-graphql";
import type { Permission } from "../auth/permission";
import type { CallerChange } from "../events/events";
import type { KeyCrypto } from "./key-crypto";
import { KeyKind, KeyState } from "./key-enums";
import { checkSecret, SECRET_LENGTH, SecretKind } from "./key-format";
import { addressAllowed } from "./key-policy";

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

registerEnumType(VerifyCode, { name: "VerifyCode", description: "The outcome of verifying a key." });

/**
 * What a key may do now, read the same way by both lookups: the mapped user's current role comes
 * along, since a key is worth nothing once its user has left the organisation, and never more than
 * that user's role allows.
 */
interface KeyStanding {
  state: KeyState;
  expiresAt: Date | null;
  allowedCidrs: string[];
  /** The key's scopes within its user's current role; null when the user has left the organisation. */
  scopes: Permission[] | null;
}

/** The columns of `api_keys` (and the mapped user's role) that make a key's standing. */
interface StandingRow {
  state: KeyState;
  expires_at: Date | string | null;
  allowed_cidrs: string[];
  scopes: Permission[];
  /** Null when the mapped user is no longer a member. */
  role_permissions: Permission[] | null;
}

/** The SQL that reads a `StandingRow` from `api_keys k`. */
const STANDING_COLUMNS = "k.state, k.expires_at, k.allowed_cidrs, k.scopes, r.permissions as role_permissions";
const MAPPED_USER_ROLE = `
  left join memberships m on m.user_id = k.mapped_user_id and m.organization_id = k.organization_id
  left join roles r on r.id = m.role_id`;

function standingOf(row: StandingRow): KeyStanding {
  const rolePermissions = row.role_permissions;
  return {
    state: row.state,
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    allowedCidrs: row.allowed_cidrs,
    scopes: rolePermissions ? row.scopes.filter((scope) => rolePermissions.includes(scope)) : null,
  };
}

/** A key's standing for credentials derived from it; cached per key. */
interface KeyGrant extends KeyStanding {
  mappedUserId: string;
  /** Each secret of the key with the end of its validity: null for the current one, a time for one in grace. */
  secrets: Map<string, Date | null>;
}

interface GrantRow extends StandingRow {
  mapped_user_id: string;
  /** `[secret id, expires_at]` pairs, as JSON. */
  secrets: Array<[string, string | null]>;
}

const GRANT_LOOKUP = `
  select ${STANDING_COLUMNS}, k.mapped_user_id,
         (select coalesce(json_agg(json_build_array(s.id, s.expires_at)), '[]') from key_secrets s where s.key_id = k.id) as secrets
  from api_keys k ${MAPPED_USER_ROLE}
  where k.id = ?`;

/** The facts of a key that verification needs; cached per secret digest. */
interface KeyRecord extends Omit<KeyStanding, "scopes"> {
  id: string;
  /** The presented secret's own row: credentials it earns (OAuth access tokens) are bound to it. */
  secretId: string;
  organizationId: string;
  locationId: string | null;
  mappedUserId: string;
  name: string;
  kind: KeyKind;
  publicId: string | null;
  /** Empty when the mapped user has left the organisation. */
  scopes: Permission[];
  secretExpiresAt: Date | null;
  /** False when the mapped user has left the organisation. */
  ownerIsMember: boolean;
}

export type Verification = { valid: true; code: VerifyCode.VALID; key: KeyRecord } | { valid: false; code: VerifyCode; key?: KeyRecord };

export interface PresentedKey {
  secret: string;
  /** For KEY_PAIR, BASIC and OAUTH_CLIENT: the public half, which must belong to the same key. */
  publicId?: string | null;
  /** The kinds acceptable where the key was presented (a Bearer header takes SECRET keys only). */
  kinds: readonly KeyKind[];
}

/** Platform keys are not API keys: they never verify here. */
const KIND_OF: Partial<Record<SecretKind, KeyKind>> = {
  [SecretKind.SECRET]: KeyKind.SECRET,
  [SecretKind.KEY_PAIR]: KeyKind.KEY_PAIR,
  [SecretKind.BASIC]: KeyKind.BASIC,
  [SecretKind.OAUTH_CLIENT]: KeyKind.OAUTH_CLIENT,
};

interface RecordRow extends StandingRow {
  id: string;
  secret_id: string;
  organization_id: string;
  location_id: string | null;
  mapped_user_id: string;
  name: string;
  kind: KeyKind;
  public_id: string | null;
  secret_expires_at: Date | string | null;
}

const LOOKUP = `
  select ${STANDING_COLUMNS}, k.id, s.id as secret_id, k.organization_id, k.location_id, k.mapped_user_id, k.name, k.kind,
         k.public_id, s.expires_at as secret_expires_at
  from key_secrets s
  join api_keys k on k.id = s.key_id ${MAPPED_USER_ROLE}
  where s.digest = ?`;

/**
 * The verify path: shape and checksum first (no I/O), then one indexed lookup by peppered digest,
 * cached in memory for a short while. Revocations, rotations and updates evict the cache on every
 * instance through the outbox's NOTIFY. `lastUsedAt` is written in batches, not per request.
 */
export class KeyVerifier {
  private readonly cache = new Map<string, { record: KeyRecord; until: number }>();
  private readonly digestsByKey = new Map<string, Set<string>>();
  /** Each key's latest use, in epoch milliseconds. */
  private readonly usage = new Map<string, number>();
  private readonly flushTimer: NodeJS.Timeout;

  constructor(
    private readonly em: EntityManager,
    private readonly crypto: KeyCrypto,
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
    const generation = this.generation;
    const [row] = await this.em.getConnection().execute<RecordRow[]>(LOOKUP, [digest]);
    if (!row) return null;
    const { scopes, ...standing } = standingOf(row);
    const record: KeyRecord = {
      ...standing,
      id: row.id,
      secretId: row.secret_id,
      organizationId: row.organization_id,
      locationId: row.location_id,
      mappedUserId: row.mapped_user_id,
      name: row.name,
      kind: row.kind,
      publicId: row.public_id,
      scopes: scopes ?? [],
      secretExpiresAt: row.secret_expires_at ? new Date(row.secret_expires_at) : null,
      ownerIsMember: scopes !== null,
    };
    if (this.cacheMilliseconds > 0 && generation === this.generation) {
      this.cache.set(digest, { record, until: Date.now() + this.cacheMilliseconds });
      const digests = this.digestsByKey.get(record.id) ?? new Set();
      digests.add(digest);
      this.digestsByKey.set(record.id, digests);
    }
    return record;
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
      const [row] = await this.em.getConnection().execute<GrantRow[]>(GRANT_LOOKUP, [keyId]);
      const grant: KeyGrant | null = row
        ? {
            ...standingOf(row),
            mappedUserId: row.mapped_user_id,
            secrets: new Map(row.secrets.map(([id, expiresAt]) => [id, expiresAt ? new Date(expiresAt) : null])),
          }
        : null;
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
    const values = batch.map(() => "(?::uuid, ?::timestamptz)").join(", ");
    await this.em.getConnection().execute(
      `update api_keys k set last_used_at = greatest(k.last_used_at, v.used_at) from (values ${values}) as v(id, used_at) where k.id = v.id`,
      batch.flatMap(([id, at]) => [id, new Date(at).toISOString()]),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushUsage().catch(() => undefined);
  }
}
