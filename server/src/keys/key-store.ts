import type { EntityManager } from "@mikro-orm/postgresql";
import type { Permission } from "../auth/permission";
import type { KeyKind, KeyState } from "./key-enums";

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

/** A key's standing for credentials derived from it; cached per key. */
export interface KeyGrant extends KeyStanding {
  mappedUserId: string;
  /** Each secret of the key with the end of its validity: null for the current one, a time for one in grace. */
  secrets: Map<string, Date | null>;
}

/** The facts of a key that verification needs; cached per secret digest. */
export interface KeyRecord extends Omit<KeyStanding, "scopes"> {
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

/** A key's latest use: its ID and the time, in epoch milliseconds. */
export type KeyUse = readonly [keyId: string, usedAt: number];

/**
 * Where the key verifier reads keys and writes their use. The database (`SqlKeyStore`) in the main
 * thread; the verify listener's thread asks the main thread (see verify-listener), so that it
 * needs no database driver of its own.
 */
export interface KeyStore {
  /** The key that the secret with this peppered digest belongs to, or null. */
  recordOf(digest: string): Promise<KeyRecord | null>;
  /** A key's standing for credentials derived from it, or null when there is no such key. */
  grantOf(keyId: string): Promise<KeyGrant | null>;
  /** Records the latest use of each key; an earlier time never overwrites a later one. */
  recordUses(uses: readonly KeyUse[]): Promise<void>;
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

/** Keys in PostgreSQL: one indexed statement per lookup, typed rows rather than entities (the hot path). */
export class SqlKeyStore implements KeyStore {
  constructor(private readonly em: EntityManager) {}

  async recordOf(digest: string): Promise<KeyRecord | null> {
    const [row] = await this.em.getConnection().execute<RecordRow[]>(LOOKUP, [digest]);
    if (!row) return null;
    const { scopes, ...standing } = standingOf(row);
    return {
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
  }

  async grantOf(keyId: string): Promise<KeyGrant | null> {
    const [row] = await this.em.getConnection().execute<GrantRow[]>(GRANT_LOOKUP, [keyId]);
    if (!row) return null;
    return {
      ...standingOf(row),
      mappedUserId: row.mapped_user_id,
      secrets: new Map(row.secrets.map(([id, expiresAt]) => [id, expiresAt ? new Date(expiresAt) : null])),
    };
  }

  async recordUses(uses: readonly KeyUse[]): Promise<void> {
    if (!uses.length) return;
    const values = uses.map(() => "(?::uuid, ?::timestamptz)").join(", ");
    await this.em.getConnection().execute(
      `update api_keys k set last_used_at = greatest(k.last_used_at, v.used_at) from (values ${values}) as v(id, used_at) where k.id = v.id`,
      uses.flatMap(([id, at]) => [id, new Date(at).toISOString()]),
    );
  }
}
