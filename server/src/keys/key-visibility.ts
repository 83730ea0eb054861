import type { FilterQuery } from "@mikro-orm/core";
import type { Actor } from "../auth/actor";
import { Permission } from "../auth/permission";
import type { ServiceContext } from "../core/service-context";
import type { ApiKey } from "./api-key.entity";

/**
 * "Who may read this key": the one rule, for every path that shows a key or news of it (the `keys`
 * and `node` queries, key events live and on catch-up, webhooks, notifications). A viewer reads a
 * key of an organisation where they hold `org:read` when
 * - they hold `keys:read:all` there, or, acting as a person, the key is mapped to them or they created it
 *   (a request authenticated by a key never owns one: a read-only key must not widen itself);
 * - and, for a location key's request or a location's webhook endpoint, the key belongs to that location.
 *
 * The rule is written once, in `visibleKeyRule`, over an algebra of conditions; `seesKey` evaluates it
 * for one key, `keyVisibilityFilter` turns it into a where-clause for lists filtered in SQL.
 */

/** The facts of a key that decide who may read it. Database IDs; null where unknown (only those who see every key see it then). */
export interface KeyFacts {
  organizationId: string;
  locationId: string | null;
  mappedUserId: string | null;
  createdById: string | null;
}

/** One field of `KeyFacts`. */
export type KeyFact = keyof KeyFacts;

/** What one viewer reaches in one organisation where they hold `org:read`. */
export interface KeyReach {
  organizationId: string;
  /** Only this location's keys (a location key's request, a location's webhook endpoint). */
  locationId: string | null;
  /** `keys:read:all`: every key within reach. */
  everyKey: boolean;
  /** The person whose own keys (mapped to or created by them) they see; null when not acting as a person. */
  ownerId: string | null;
}

/**
 * The reach of a viewer with these permissions in an organisation, or null without `org:read` there
 * (nothing of it is visible, as if it did not exist).
 */
export function keyReach(
  viewer: { personId: string | null; locationId: string | null },
  organizationId: string,
  permissions: Iterable<string>,
): KeyReach | null {
  const granted = new Set(permissions);
  if (!granted.has(Permission.ORG_READ)) return null;
  return { organizationId, locationId: viewer.locationId, everyKey: granted.has(Permission.KEYS_READ_ALL), ownerId: viewer.personId };
}

/** The person an actor owns keys as: themselves when signed in as a person, nobody when authenticated by a key. */
export function ownerOf(actor: Actor | null): string | null {
  return actor && !actor.key ? actor.userId : null;
}

/** How the rule's conditions are built: evaluated on one key's facts, or written as a where-clause. */
export interface ConditionAlgebra<C> {
  /** The key's fact equals this ID (null: the fact is null). */
  is(fact: KeyFact, id: string | null): C;
  all(conditions: C[]): C;
  any(conditions: C[]): C;
  /** True of no key. */
  none: C;
}

/** The key is owned by this person: mapped to them, or created by them. */
export function ownedRule<C>(ownerId: string | null, on: ConditionAlgebra<C>): C {
  return ownerId ? on.any([on.is("mappedUserId", ownerId), on.is("createdById", ownerId)]) : on.none;
}

/** The rule itself (see the top of this file). */
export function visibleKeyRule<C>(reach: KeyReach, on: ConditionAlgebra<C>): C {
  return on.all([
    on.is("organizationId", reach.organizationId),
    ...(reach.locationId ? [on.is("locationId", reach.locationId)] : []),
    ...(reach.everyKey ? [] : [ownedRule(reach.ownerId, on)]),
  ]);
}

function factsAlgebra(key: KeyFacts): ConditionAlgebra<boolean> {
  return {
    is: (fact, id) => key[fact] === id,
    all: (conditions) => conditions.every(Boolean),
    any: (conditions) => conditions.some(Boolean),
    none: false,
  };
}

/** Whether a viewer with this reach may read the key (null reach: nothing). */
export function seesKey(reach: KeyReach | null, key: KeyFacts): boolean {
  return !!reach && visibleKeyRule(reach, factsAlgebra(key));
}

/** Whether the person owns the key (mapped to them or created by them). */
export function isKeyOwner(ownerId: string | null, key: KeyFacts): boolean {
  return ownedRule(ownerId, factsAlgebra(key));
}

/** The people who own a key (its mapped user and its creator, once each): those the ownership rule accepts. */
export function keyOwnerIds(key: KeyFacts): string[] {
  return [...new Set([key.mappedUserId, key.createdById])].filter((id): id is string => isKeyOwner(id, key));
}

/**
 * The where-clause of the rule for a list read in SQL: `column` says how one fact is compared in that
 * list (a column of `api_keys`, a field of an event's payload).
 */
export function keyVisibilityFilter<T extends { id: string }>(
  reach: KeyReach,
  column: (fact: KeyFact, id: string | null) => FilterQuery<T>,
): FilterQuery<T> {
  return visibleKeyRule<FilterQuery<T>>(reach, {
    is: column,
    all: (conditions) => ({ $and: conditions }) as FilterQuery<T>,
    any: (conditions) => ({ $or: conditions }) as FilterQuery<T>,
    // An empty IN list is false in SQL: no row matches.
    none: { id: { $in: [] } } as FilterQuery<T>,
  });
}

/**
 * The reach of the acting viewer in an organisation, or null without `org:read` there. A location
 * key's request reaches its location only; the authorizer answers it nothing elsewhere.
 */
export async function viewerReach(ctx: Pick<ServiceContext, "actor" | "authz">, organizationId: string): Promise<KeyReach | null> {
  const locationId = ctx.actor?.key?.locationId ?? null;
  const permissions = await ctx.authz.permissionsIn(organizationId, locationId);
  return keyReach({ personId: ownerOf(ctx.actor), locationId }, organizationId, permissions);
}

/** The facts of a loaded key. */
export function factsOfKey(key: ApiKey): KeyFacts {
  return {
    organizationId: key.organization.id,
    locationId: key.location?.id ?? null,
    mappedUserId: key.mappedUser.id,
    createdById: key.createdBy?.id ?? null,
  };
}
