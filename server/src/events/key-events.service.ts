import type { FilterQuery } from "@mikro-orm/core";
import { Permission } from "../auth/permission";
import { encodeCursor, type PageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, unauthenticated, userError } from "../graphql/errors";
import { idOfType, toGlobalId } from "../graphql/global-id";
import { findPage } from "../graphql/paged-query";
import { DomainEvent } from "./domain-event.entity";
import { EventType } from "./events";
import type { KeyEvent } from "./key-event.type";

export const KEY_EVENT_TYPES: readonly string[] = Object.values(EventType).filter((type) => type.startsWith("key."));

export function toKeyEvent(event: DomainEvent): KeyEvent {
  return {
    cursor: encodeCursor(event.id),
    type: event.type,
    keyId: String(event.payload.keyId),
    occurredAt: event.occurredAt,
    data: event.payload,
  };
}

function requireKnownTypes(types: readonly string[] | null | undefined): readonly string[] {
  const unknown = (types ?? []).filter((type) => !KEY_EVENT_TYPES.includes(type));
  if (unknown.length)
    throw userError(UserErrorCode.INVALID_INPUT, `Unknown event types: ${unknown.join(", ")}. Known: ${KEY_EVENT_TYPES.join(", ")}.`, [
      "types",
    ]);
  return types?.length ? types : KEY_EVENT_TYPES;
}

/**
 * Who sees a key event: members with `keys:read:all` see every key's events, others only those of
 * keys acting for them; a location key only its location's. The same rule as reading the key.
 */
export async function keyEventFilter(ctx: RequestContext, organizationId: string, types?: readonly string[] | null) {
  const actor = ctx.authz.requireActor();
  const wanted = requireKnownTypes(types);
  const ownLocation = actor.key?.locationId ?? null;
  if (!(await ctx.authz.can(organizationId, Permission.ORG_READ, ownLocation))) {
    throw userError(UserErrorCode.NOT_FOUND, "Organization not found.", ["organizationId"]);
  }
  const viewer = toGlobalId("User", actor.userId);
  let checkedAt = Date.now();
  return async (event: DomainEvent): Promise<boolean> => {
    if (event.organizationId !== organizationId || !wanted.includes(event.type)) return false;
    // A subscription lives long: every few seconds, forget cached memberships and make sure the
    // credential it was opened with still stands, so a removed member or revoked key stops hearing.
    if (Date.now() - checkedAt > CREDENTIAL_RECHECK_MS) {
      checkedAt = Date.now();
      const fresh = await ctx.services.credentialChecks.check(actor, ctx.origin.ipAddress);
      if (!fresh.valid) throw unauthenticated("The credential this subscription was opened with is no longer valid.");
      ctx.loaders.members.ofUser.clear(actor.userId).prime(actor.userId, fresh.memberships);
    }
    const locationId = typeof event.payload.locationId === "string" ? idOfType(event.payload.locationId, "Location") : null;
    const permissions = await ctx.authz.permissionsIn(organizationId, locationId);
    if (!permissions.has(Permission.ORG_READ)) return false;
    return permissions.has(Permission.KEYS_READ_ALL) || event.payload.mappedUserId === viewer;
  };
}

const CREDENTIAL_RECHECK_MS = 5_000;

/** Key events after a cursor, oldest first: how integrators catch up after being disconnected. */
export async function keyEventsAfter(
  ctx: RequestContext,
  organizationId: string,
  types: readonly string[] | null | undefined,
  page: PageRequest,
) {
  const actor = ctx.authz.requireActor();
  const ownLocation = actor.key?.locationId ?? null;
  const permissions = await ctx.authz.permissionsIn(organizationId, ownLocation);
  if (!permissions.has(Permission.ORG_READ)) return null;
  const where: FilterQuery<DomainEvent>[] = [{ organizationId }, { type: { $in: [...requireKnownTypes(types)] } }];
  if (!permissions.has(Permission.KEYS_READ_ALL)) where.push({ payload: { mappedUserId: toGlobalId("User", actor.userId) } });
  if (ownLocation) where.push({ payload: { locationId: toGlobalId("Location", ownLocation) } });
  return findPage(ctx.em, DomainEvent, { $and: where }, page);
}
