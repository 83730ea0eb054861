import type { EntityManager } from "@mikro-orm/postgresql";
import type { Membership } from "../members/membership.entity";
import type { Permission } from "./permission";

/** What a user may do in one organisation: their role's permissions. */
export interface Grant {
  /** The role granting them; null when the grant comes from a key's check, which names no role. */
  roleId: string | null;
  permissions: readonly Permission[];
}

/**
 * What the authorizer knows of a user's memberships. `complete`: every membership of the user is
 * here, so an organisation missing means no membership; otherwise (what a key's check read about its
 * own organisation) a missing organisation is simply not known yet.
 */
export interface CallerGrants {
  byOrganization: ReadonlyMap<string, Grant>;
  complete: boolean;
}

/** A membership as the SQL below reads it: `[organization_id, role_id, permissions]`, so that it can travel as JSON. */
export type GrantTuple = [string, string, Permission[]];

export function grantsFromTuples(tuples: readonly GrantTuple[]): CallerGrants {
  return {
    byOrganization: new Map(tuples.map(([organizationId, roleId, permissions]) => [organizationId, { roleId, permissions }])),
    complete: true,
  };
}

/** The same, from membership entities loaded with their roles. */
export function grantsFromMemberships(memberships: readonly Membership[]): CallerGrants {
  return grantsFromTuples(memberships.map((membership) => [membership.organization.id, membership.role.id, membership.role.permissions]));
}

/** A user's memberships as `GrantTuple`s, as a JSON array: a subselect for `u` being the user's ID column. */
export function grantTuplesOf(userIdColumn: string): string {
  return `coalesce((select json_agg(json_build_array(m.organization_id, m.role_id, r.permissions))
    from memberships m join roles r on r.id = m.role_id where m.user_id = ${userIdColumn}), '[]')`;
}

/** Several users' grants in one statement; a user without memberships gets complete, empty grants. */
export async function loadGrants(em: EntityManager, userIds: readonly string[]): Promise<Map<string, CallerGrants>> {
  const placeholders = userIds.map(() => "?::uuid").join(", ");
  const rows = await em
    .getConnection()
    .execute<Array<{ id: string; grants: GrantTuple[] }>>(
      `select u.id, ${grantTuplesOf("u.id")} as grants from unnest(array[${placeholders}]) as u(id)`,
      [...userIds],
    );
  return new Map(rows.map((row) => [row.id, grantsFromTuples(row.grants)]));
}
