import type { FilterQuery } from "@mikro-orm/core";
import { Permission } from "../auth/permission";
import type { ServiceContext } from "../core/service-context";
import type { PageRequest } from "../graphql/connection";
import { findPage } from "../graphql/paged-query";
import type { User } from "../users/user.entity";
import { ApiKey } from "./api-key.entity";
import { type KeyKind, KeyState } from "./key-enums";
import { type KeyFact, keyVisibilityFilter, viewerReach } from "./key-visibility";

export interface KeyFilter {
  locationId?: string | null;
  /** Only organisation-level keys (no location). */
  organizationLevelOnly?: boolean | null;
  kinds?: KeyKind[] | null;
  states?: KeyState[] | null;
  mappedUserId?: string | null;
  expiringBefore?: Date | null;
  search?: string | null;
}

function stateCondition(states: KeyState[], now: Date): FilterQuery<ApiKey> {
  // EXPIRED includes ACTIVE keys whose time has passed but that no sweep has marked yet.
  const conditions: FilterQuery<ApiKey>[] = [];
  const stored = states.filter((state) => state !== KeyState.ACTIVE && state !== KeyState.EXPIRED);
  if (stored.length) conditions.push({ state: { $in: stored } });
  if (states.includes(KeyState.ACTIVE))
    conditions.push({ state: KeyState.ACTIVE, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] });
  if (states.includes(KeyState.EXPIRED))
    conditions.push({ $or: [{ state: KeyState.EXPIRED }, { state: KeyState.ACTIVE, expiresAt: { $lte: now } }] });
  return { $or: conditions };
}

/** How the visibility rule reads a fact of a key in `api_keys`. */
function keyColumn(fact: KeyFact, id: string | null): FilterQuery<ApiKey> {
  switch (fact) {
    case "organizationId":
      return { organization: id };
    case "locationId":
      return { location: id };
    case "mappedUserId":
      return { mappedUser: id };
    case "createdById":
      return { createdBy: id };
  }
}

/**
 * An organisation's keys that the caller may see (keys/key-visibility.ts), filtered in SQL. Null
 * when the caller cannot read the organisation.
 */
export async function listKeys(ctx: ServiceContext, organizationId: string, filter: KeyFilter, page: PageRequest) {
  const reach = await viewerReach(ctx, organizationId);
  if (!reach) return null;
  const where: FilterQuery<ApiKey>[] = [keyVisibilityFilter(reach, keyColumn)];
  if (filter.locationId) where.push({ location: filter.locationId });
  if (filter.organizationLevelOnly) where.push({ location: null });
  if (filter.kinds?.length) where.push({ kind: { $in: filter.kinds } });
  if (filter.states?.length) where.push(stateCondition(filter.states, ctx.clock.now()));
  if (filter.mappedUserId) where.push({ mappedUser: filter.mappedUserId });
  if (filter.expiringBefore) where.push({ expiresAt: { $lt: filter.expiringBefore } });
  if (filter.search?.trim()) where.push({ name: { $ilike: `%${filter.search.trim().replace(/[\\%_]/g, "\\$&")}%` } });
  return findPage(ctx.em, ApiKey, { $and: where }, page);
}

/** Plain-list maxima of the API Management view; the query cost counts the lists as this long. */
export const MAX_KEY_HOLDERS = 50;
export const MAX_KEYS_PER_HOLDER = 50;

/**
 * IDs of the active keys the API Management view shows: the first MAX_KEY_HOLDERS holders (by their
 * oldest active key), each with their oldest MAX_KEYS_PER_HOLDER keys. Chosen in SQL, so an
 * organisation with a million keys sends 2,500 rows at most, not a million.
 */
const SHOWN_ACTIVE_KEYS = `
  with ranked as (
    select id,
      row_number() over (partition by mapped_user_id order by id) as nth,
      first_value(id) over (partition by mapped_user_id order by id) as first_key
    from api_keys
    where organization_id = ? and state = ? and (expires_at is null or expires_at > now())
  ), holders as (
    select first_key from ranked where nth = 1 order by first_key limit ?
  )
  select id from ranked where nth <= ? and first_key in (select first_key from holders)`;

/**
 * Who holds keys, for admins: the members who hold active keys, each with those keys.
 * Needs `keys:read:all`; null otherwise.
 */
export async function keyHolders(
  ctx: ServiceContext,
  organizationId: string,
): Promise<Array<{ organizationId: string; user: User; keys: ApiKey[] }> | null> {
  if (!(await ctx.authz.can(organizationId, Permission.KEYS_READ_ALL))) return null;
  const shown: Array<{ id: string }> = await ctx.em
    .getConnection()
    .execute(SHOWN_ACTIVE_KEYS, [organizationId, KeyState.ACTIVE, MAX_KEY_HOLDERS, MAX_KEYS_PER_HOLDER]);
  const keys = await ctx.em.find(ApiKey, { id: { $in: shown.map((row) => row.id) } }, { orderBy: { id: "asc" }, populate: ["mappedUser"] });
  const byUser = new Map<string, { organizationId: string; user: User; keys: ApiKey[] }>();
  for (const key of keys) {
    const holder = byUser.get(key.mappedUser.id) ?? { organizationId, user: key.mappedUser, keys: [] };
    holder.keys.push(key);
    byUser.set(key.mappedUser.id, holder);
  }
  return [...byUser.values()];
}
