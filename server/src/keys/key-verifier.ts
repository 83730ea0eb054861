import type { EntityManager } from "@mikro-orm/postgresql";
import { registerEnumType } from "type-graphql";
import type { Permission } from "../auth/permission";
import type { KeyCrypto } from "./key-crypto";
import { KeyKind, KeyState } from "./key-enums";
import { checkSecret, SecretKind } from "./key-format";
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

/** A key's standing for credentials derived from it; cached per key. */
interface KeyGrant {
  state: KeyState;
  expiresAt: Date | null;
  allowedCidrs: string[];
  /** Null when the mapped user has left the organisation. */
  scopes: Permission[] | null;
  /** Each secret of the key with the end of its validity: null for the current one, a time for one in grace. */
  secrets: Map<string, Date | null>;
}

const GRANT_LOOKUP = `
  select k.state, k.expires_at, k.allowed_cidrs, k.scopes, r.permissions as role_permissions,
         (select coalesce(json_agg(json_build_array(s.id, s.expires_at)), '[]') from key_secrets s where s.key_id = k.id) as secrets
  from api_keys k
  left join memberships m on m.user_id = k.mapped_user_id and m.organization_id = k.organization_id
  left join roles r on r.id = m.role_id
  where k.id = ?`;

/** The facts of a key that verification needs; cached per secret digest. */
interface KeyRecord {
  id: string;
  /** The presented secret's own row: credentials it earns (OAuth access tokens) are bound to it. */
  secretId: string;
  organizationId: string;
  locationId: string | null;
  mappedUserId: string;
  name: string;
  kind: KeyKind;
  state: KeyState;
  publicId: string | null;
  scopes: Permission[];
  allowedCidrs: string[];
  expiresAt: Date | null;
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

const KIND_OF: Record<SecretKind, KeyKind> = {
  [SecretKind.SECRET]: KeyKind.SECRET,
  [SecretKind.KEY_PAIR]: KeyKind.KEY_PAIR,
  [SecretKind.BASIC]: KeyKind.BASIC,
  [SecretKind.OAUTH_CLIENT]: KeyKind.OAUTH_CLIENT,
};

// The mapped user's current role comes along: a key is worth nothing once its user has left the
// organisation, and never more than that user's role allows.
const LOOKUP = `
  select k.id, s.id as secret_id, k.organization_id, k.location_id, k.mapped_user_id, k.name, k.kind, k.state, k.public_id,
         k.scopes, k.allowed_cidrs, k.expires_at, s.expires_at as secret_expires_at, r.permissions as role_permissions
  from key_secrets s
  join api_keys k on k.id = s.key_id
  left join memberships m on m.user_id = k.mapped_user_id and m.organization_id = k.organization_id
  left join roles r on r.id = m.role_id
  where s.digest = ?`;

/**
 * The verify path: shape and checksum first (no I/O), then one indexed lookup by peppered digest,
 * cached in memory for a short while. Revocations, rotations and updates evict the cache on every
 * instance through the outbox's NOTIFY. `lastUsedAt` is written in batches, not per request.
 */
export class KeyVerifier {
  private readonly cache = new Map<string, { record: KeyRecord; until: number }>();
  private readonly digestsByKey = new Map<string, Set<string>>();
  private readonly usage = new Map<string, Date>();
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

  async verify(presented: PresentedKey, clientAddress: string | null, now = new Date()): Promise<Verification> {
    const early = this.precheck(presented);
    if (typeof early !== "string") return early;
    return this.conclude(presented, await this.lookup(early), clientAddress, now);
  }

  /**
   * The same answer as `verify` when it needs no database (a malformed key, or one whose record is
   * cached), else undefined. Lets the verify endpoint answer within the request's own tick.
   */
  verifyWithoutIo(presented: PresentedKey, clientAddress: string | null, now = new Date()): Verification | undefined {
    const early = this.precheck(presented);
    if (typeof early !== "string") return early;
    const cached = this.cache.get(early);
    if (!cached || cached.until <= Date.now()) return undefined;
    return this.conclude(presented, cached.record, clientAddress, now);
  }

  /** Shape, checksum and kind: a refusal, or the digest to look up. */
  private precheck(presented: PresentedKey): Verification | string {
    const check = checkSecret(presented.secret);
    if (!check.ok) return { valid: false, code: VerifyCode[check.reason] };
    if (!presented.kinds.includes(KIND_OF[check.kind])) return { valid: false, code: VerifyCode.NOT_FOUND };
    return this.crypto.digest(presented.secret);
  }

  private conclude(presented: PresentedKey, record: KeyRecord | null, clientAddress: string | null, now: Date): Verification {
    if (!record || (record.publicId !== null && record.publicId !== presented.publicId))
      return { valid: false, code: VerifyCode.NOT_FOUND };
    const code = this.judge(record, clientAddress, now);
    if (code !== VerifyCode.VALID) return { valid: false, code, key: record };
    this.usage.set(record.id, now);
    return { valid: true, code, key: record };
  }

  private judge(record: KeyRecord, clientAddress: string | null, now: Date): VerifyCode {
    if (record.state === KeyState.REVOKED) return VerifyCode.REVOKED;
    if (record.state === KeyState.DISABLED) return VerifyCode.DISABLED;
    if (record.state === KeyState.PENDING) return VerifyCode.PENDING_APPROVAL;
    if (record.state === KeyState.EXPIRED || (record.expiresAt && record.expiresAt <= now)) return VerifyCode.EXPIRED;
    // A secret superseded by rotation works until its grace period ends.
    if (record.secretExpiresAt && record.secretExpiresAt <= now) return VerifyCode.REVOKED;
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
    const rows: Array<Record<string, any>> = await this.em.getConnection().execute(LOOKUP, [digest]);
    if (!rows.length) return null;
    const row = rows[0];
    const record: KeyRecord = {
      id: row.id,
      secretId: row.secret_id,
      organizationId: row.organization_id,
      locationId: row.location_id,
      mappedUserId: row.mapped_user_id,
      name: row.name,
      kind: row.kind,
      state: row.state,
      publicId: row.public_id,
      // What the key may do now: its scopes within its user's current role.
      scopes: row.role_permissions ? (row.scopes as Permission[]).filter((scope) => row.role_permissions.includes(scope)) : [],
      allowedCidrs: row.allowed_cidrs,
      expiresAt: row.expires_at ? new Date(row.expires_at) : null,
      secretExpiresAt: row.secret_expires_at ? new Date(row.secret_expires_at) : null,
      ownerIsMember: row.role_permissions !== null,
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
      const rows: Array<Record<string, any>> = await this.em.getConnection().execute(GRANT_LOOKUP, [keyId]);
      const row = rows[0];
      const grant: KeyGrant | null = row
        ? {
            state: row.state,
            expiresAt: row.expires_at ? new Date(row.expires_at) : null,
            allowedCidrs: row.allowed_cidrs,
            scopes: row.role_permissions ? (row.scopes as Permission[]).filter((scope) => row.role_permissions.includes(scope)) : null,
            secrets: new Map(
              (row.secrets as Array<[string, string | null]>).map(([id, expiresAt]) => [id, expiresAt ? new Date(expiresAt) : null]),
            ),
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
    this.usage.set(keyId, now);
    return grant.scopes;
  }

  /** Forgets every cached result of a key: called for key events from any instance. */
  evict(keyId: string): void {
    this.generation++;
    for (const digest of this.digestsByKey.get(keyId) ?? []) this.cache.delete(digest);
    this.digestsByKey.delete(keyId);
    this.grantsById.delete(keyId);
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
      batch.flatMap(([id, at]) => [id, at.toISOString()]),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushUsage().catch(() => undefined);
  }
}
