import type { FilterQuery } from "@mikro-orm/core";
import type { Actor } from "../auth/actor";
import { grantsFromMemberships } from "../auth/caller-grants";
import type { ServiceContext } from "../core/service-context";
import { encodeCursor, type PageRequest } from "../graphql/connection";
import { UserErrorCode, unauthenticated, userError } from "../graphql/errors";
import { toGlobalId } from "../graphql/global-id";
import { findPage } from "../graphql/paged-query";
import { keyFactsOfEvent } from "../keys/key-events";
import { type KeyFact, type KeyFacts, type KeyReach, keyVisibilityFilter, seesKey, viewerReach } from "../keys/key-visibility";
import type { CredentialCheck, CredentialChecks } from "./credential-checks";
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

/** The facts of the key an event of the organisation is about, read once per event however many subscribers ask. */
const factsOfEvents = new WeakMap<DomainEvent, KeyFacts>();
function factsOfEvent(organizationId: string, event: DomainEvent): KeyFacts {
  const known = factsOfEvents.get(event);
  if (known) return known;
  const facts = keyFactsOfEvent(organizationId, event.payload);
  factsOfEvents.set(event, facts);
  return facts;
}

/**
 * Reaches worked out after a recheck, by check result and viewer. Every subscription of one credential
 * shares its check (credential-checks.ts), so they share the reach it implies too: the first of them
 * to ask works it out with the authorizer, the rest reuse it. A key's scopes are part of the viewer, as
 * two connections of one key may have been opened before and after its scopes changed.
 */
const reachesAfterCheck = new WeakMap<CredentialCheck, Map<string, Promise<KeyReach | null>>>();
function reachAfterCheck(ctx: ServiceContext, actor: Actor, organizationId: string, check: CredentialCheck): Promise<KeyReach | null> {
  const key = actor.key;
  const viewer = [organizationId, actor.userId, key ? `${key.keyId}/${key.locationId}/${key.scopes.join(",")}` : "person"].join("\u0000");
  const byViewer = reachesAfterCheck.get(check) ?? new Map<string, Promise<KeyReach | null>>();
  reachesAfterCheck.set(check, byViewer);
  const known = byViewer.get(viewer);
  if (known) return known;
  const reach = viewerReach(ctx, organizationId);
  byViewer.set(viewer, reach);
  return reach;
}

/**
 * Who sees a key event: whoever may read the key, as the event tells its facts (keys/key-visibility.ts):
 * with `keys:read:all` every key's events, as a person those of keys mapped to or created by them; a
 * location key only its location's.
 *
 * The viewer's reach is read when the subscription opens and again at every recheck, which is when
 * the memberships it comes from are reloaded (once per credential, not per subscription); in between
 * the answer is synchronous and touches no database, so one event to many subscribers costs a
 * comparison each.
 */
export async function keyEventFilter(
  ctx: ServiceContext,
  organizationId: string,
  types: readonly string[] | null | undefined,
  recheck: { credentialChecks: CredentialChecks; everyMs: number },
): Promise<(event: DomainEvent) => boolean | Promise<boolean>> {
  const actor = ctx.authz.requireActor();
  const wanted = requireKnownTypes(types);
  let reach = await viewerReach(ctx, organizationId);
  if (!reach) throw userError(UserErrorCode.NOT_FOUND, "Organization not found.", ["organizationId"]);
  let checkedAt = ctx.clock.now().getTime();
  // A subscription lives long: every SUBSCRIPTION_RECHECK_SECONDS, forget cached memberships and make sure the
  // credential it was opened with still stands, so a removed member or revoked key stops hearing.
  const recheckThenDecide = async (event: DomainEvent): Promise<boolean> => {
    const fresh = await recheck.credentialChecks.check(actor, ctx.origin.ipAddress);
    if (!fresh.valid) throw unauthenticated("The credential this subscription was opened with is no longer valid.");
    ctx.loaders.members.ofUser.clear(actor.userId).prime(actor.userId, fresh.memberships);
    ctx.loaders.members.grantsOf.clear(actor.userId).prime(actor.userId, grantsFromMemberships(fresh.memberships));
    reach = await reachAfterCheck(ctx, actor, organizationId, fresh);
    return seesKey(reach, factsOfEvent(organizationId, event));
  };
  return (event) => {
    if (event.organizationId !== organizationId || !wanted.includes(event.type)) return false;
    const now = ctx.clock.now().getTime();
    if (now - checkedAt >= recheck.everyMs) {
      checkedAt = now;
      return recheckThenDecide(event);
    }
    return seesKey(reach, factsOfEvent(organizationId, event));
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
