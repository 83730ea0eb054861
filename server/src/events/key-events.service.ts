import type { FilterQuery } from "@mikro-orm/core";
import { grantsFromMemberships } from "../auth/caller-grants";
import type { ServiceContext } from "../core/service-context";
import { encodeCursor, type PageRequest } from "../graphql/connection";
import { UserErrorCode, unauthenticated, userError } from "../graphql/errors";
import { toGlobalId } from "../graphql/global-id";
import { findPage } from "../graphql/paged-query";
import { keyFactsOfEvent } from "../keys/key-events";
import { type KeyFact, keyVisibilityFilter, seesKey, viewerReach } from "../keys/key-visibility";
import type { CredentialChecks } from "./credential-checks";
import { DomainEvent } from "./domain-event.entity";
import { KEY_EVENT_TYPES, type KeyEvent } from "./key-event.type";
import { publicEventData } from "./public-payload";

/** A stored key event as clients see it, with global IDs. */
export function toKeyEvent(event: DomainEvent): KeyEvent {
  const data = publicEventData(event.payload);
  return {
    cursor: encodeCursor(event.id),
    type: event.type,
    keyId: String(data.keyId),
    occurredAt: event.occurredAt,
    data,
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
 * Who sees a key event: whoever may read the key, as the event tells its facts (keys/key-visibility.ts):
 * with `keys:read:all` every key's events, as a person those of keys mapped to or created by them; a
 * location key only its location's.
 */
export async function keyEventFilter(
  ctx: ServiceContext,
  organizationId: string,
  types: readonly string[] | null | undefined,
  recheck: { credentialChecks: CredentialChecks; everyMs: number },
) {
  const actor = ctx.authz.requireActor();
  const wanted = requireKnownTypes(types);
  if (!(await viewerReach(ctx, organizationId))) {
    throw userError(UserErrorCode.NOT_FOUND, "Organization not found.", ["organizationId"]);
  }
  let checkedAt = ctx.clock.now().getTime();
  return async (event: DomainEvent): Promise<boolean> => {
    if (event.organizationId !== organizationId || !wanted.includes(event.type)) return false;
    // A subscription lives long: every SUBSCRIPTION_RECHECK_SECONDS, forget cached memberships and make sure the
    // credential it was opened with still stands, so a removed member or revoked key stops hearing.
    const now = ctx.clock.now().getTime();
    if (now - checkedAt >= recheck.everyMs) {
      checkedAt = now;
      const fresh = await recheck.credentialChecks.check(actor, ctx.origin.ipAddress);
      if (!fresh.valid) throw unauthenticated("The credential this subscription was opened with is no longer valid.");
      ctx.loaders.members.ofUser.clear(actor.userId).prime(actor.userId, fresh.memberships);
      ctx.loaders.members.grantsOf.clear(actor.userId).prime(actor.userId, grantsFromMemberships(fresh.memberships));
    }
    return seesKey(await viewerReach(ctx, organizationId), keyFactsOfEvent(organizationId, event.payload));
  };
}

/**
 * How the visibility rule reads a fact of the key in a stored key event: the organisation is the
 * event's own column, the rest are payload fields, which events stored before payloads carried database
 * IDs hold as global IDs (both are matched).
 */
function eventColumn(fact: KeyFact, id: string | null): FilterQuery<DomainEvent> {
  switch (fact) {
    case "organizationId":
      return { organizationId: id };
    case "locationId":
      return { payload: { locationId: id && { $in: [id, toGlobalId("Location", id)] } } };
    case "mappedUserId":
      return { payload: { mappedUserId: id && { $in: [id, toGlobalId("User", id)] } } };
    case "createdById":
      return { payload: { createdById: id } };
  }
}

/** Key events after a cursor, oldest first: how integrators catch up after being disconnected. */
export async function keyEventsAfter(
  ctx: ServiceContext,
  organizationId: string,
  types: readonly string[] | null | undefined,
  page: PageRequest,
) {
  ctx.authz.requireActor();
  const reach = await viewerReach(ctx, organizationId);
  if (!reach) return null;
  const where: FilterQuery<DomainEvent>[] = [{ type: { $in: [...requireKnownTypes(types)] } }, keyVisibilityFilter(reach, eventColumn)];
  return findPage(ctx.em, DomainEvent, { $and: where }, page);
}
