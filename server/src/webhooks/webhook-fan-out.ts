import type { EntityManager } from "@mikro-orm/postgresql";
import { Permission } from "../auth/permission";
import { boundRows } from "../db/bound-rows";
import { EventType } from "../events/events";
import { keyFactsOfEvent } from "../keys/key-events";
import { keyReach, seesKey } from "../keys/key-visibility";
import { listensTo } from "./webhook-event-types";
import { uuidArray } from "./webhook-jobs";
import { createMessages, messageIdOf, type OutgoingMessage } from "./webhook-messages";

interface EventRow {
  id: string;
  type: string;
  organization_id: string;
  subject_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: string;
}

interface EndpointRow {
  id: string;
  organization_id: string;
  location_id: string | null;
  event_types: string[];
  status: string;
  created_by_id: string | null;
  /** What whoever registered the endpoint may do in the organisation now; empty once they left it. */
  owner_permissions: string[];
  url: string;
  sealed_secret: string;
  previous_sealed_secret: string | null;
  previous_secret_expires_at: string | null;
  failing_since: string | null;
}

/** What a fan-out leaves to send: messages it holds (recorded once sent), and IDs of pending ones to claim. */
export interface FannedOut {
  held: OutgoingMessage[];
  pending: string[];
}

/**
 * Turns events into a message per endpoint that listens to each (and whose owner may see it).
 * Three statements, however many events: their rows, their organisations' endpoints, and the
 * messages not held. Up to `holdLimit` messages of enabled endpoints are held: they come back with
 * what sending them needs, in event order, for the caller to send at once and record with their
 * first attempt (`recordFirstAttempts`); should it die first, its job runs again once the rescue
 * sweep finds it stalled, and sends them again under the same IDs (`messageIdOf`). The others of
 * enabled endpoints are recorded pending and come back as IDs to claim (`createMessages`). A paused
 * endpoint's messages wait for it to resume. Run again for the same events, it sends nothing twice
 * that was recorded (a message is unique per endpoint and event) and returns the IDs of those
 * still pending.
 */
export async function fanOutEvents(em: EntityManager, eventIds: readonly string[], holdLimit: number): Promise<FannedOut> {
  if (!eventIds.length) return { held: [], pending: [] };
  const events = await boundRows<EventRow>(
    em,
    `select id, type, organization_id, subject_id, payload, occurred_at from domain_events
     where id = any(?::uuid[]) and organization_id is not null order by id`,
    [uuidArray(eventIds)],
  );
  if (!events.length) return { held: [], pending: [] };
  const endpoints = await boundRows<EndpointRow>(
    em,
    `select e.id, e.organization_id, e.location_id, e.event_types, e.status, e.created_by_id,
       coalesce(r.permissions, '{}') as owner_permissions, e.url, e.sealed_secret, e.previous_sealed_secret,
       e.previous_secret_expires_at, e.failing_since
     from webhook_endpoints e
     left join memberships m on m.user_id = e.created_by_id and m.organization_id = e.organization_id
     left join roles r on r.id = m.role_id
     where e.organization_id = any(?::uuid[]) and e.status in ('ENABLED', 'PAUSED')
     order by e.id`,
    [uuidArray([...new Set(events.map((event) => event.organization_id))])],
  );
  const endpointsOf = new Map<string, DatedEndpoint[]>();
  for (const endpoint of endpoints) {
    const dated = {
      endpoint,
      previousSecretExpiresAt: date(endpoint.previous_secret_expires_at),
      failingSince: date(endpoint.failing_since),
    };
    endpointsOf.set(endpoint.organization_id, [...(endpointsOf.get(endpoint.organization_id) ?? []), dated]);
  }
  const messages: PlannedMessage[] = [];
  let held = 0;
  for (const event of events) {
    // Dates parsed once per event and endpoint, not once per message.
    const dated = { event, occurredAt: new Date(event.occurred_at) };
    for (const ofEndpoint of endpointsOf.get(event.organization_id) ?? []) {
      if (!receives(ofEndpoint.endpoint, event)) continue;
      const sendsNow = ofEndpoint.endpoint.status === "ENABLED";
      const isHeld = sendsNow && held < holdLimit;
      if (isHeld) held++;
      messages.push({
        id: messageIdOf(event.id, ofEndpoint.endpoint.id, dated.occurredAt),
        event: dated,
        endpoint: ofEndpoint,
        sendsNow,
        held: isHeld,
      });
    }
  }
  const created = await createMessages(
    em,
    messages.map(({ id, event, endpoint, sendsNow, held }) => ({
      id,
      eventId: event.event.id,
      endpointId: endpoint.endpoint.id,
      sendsNow,
      held,
    })),
  );
  const outgoing: OutgoingMessage[] = [];
  for (const message of messages) {
    if (message.held && !created.madeBefore.has(message.id)) outgoing.push(outgoingMessage(message.id, message.event, message.endpoint));
  }
  return { held: outgoing, pending: created.pending };
}

interface PlannedMessage {
  id: string;
  event: DatedEvent;
  endpoint: DatedEndpoint;
  sendsNow: boolean;
  held: boolean;
}

interface DatedEvent {
  event: EventRow;
  occurredAt: Date;
}

interface DatedEndpoint {
  endpoint: EndpointRow;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
}

function date(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

/** A held message, with what sending it needs, as `claimMessages` returns a claimed one. */
function outgoingMessage(
  id: string,
  { event, occurredAt }: DatedEvent,
  { endpoint, previousSecretExpiresAt, failingSince }: DatedEndpoint,
): OutgoingMessage {
  return {
    id,
    attempt_count: 0,
    endpoint_id: endpoint.id,
    event_id: event.id,
    organization_id: event.organization_id,
    url: endpoint.url,
    sealed_secret: endpoint.sealed_secret,
    previous_sealed_secret: endpoint.previous_sealed_secret,
    previous_secret_expires_at: previousSecretExpiresAt,
    failing_since: failingSince,
    type: event.type,
    occurred_at: occurredAt,
    payload: event.payload,
  };
}

function receives(endpoint: EndpointRow, event: EventRow): boolean {
  // A test goes to the endpoint it tests only; news about an endpoint goes to the others only.
  if (event.type === EventType.WEBHOOK_TEST) return event.subject_id === endpoint.id;
  if (event.type.startsWith("webhook.") && event.subject_id === endpoint.id) return false;
  return listensTo(endpoint.event_types, event.type) && ownerMaySee(endpoint, event);
}

/**
 * An endpoint hears only what whoever registered it may see now, as if they read it through the
 * API: nothing once they left the organisation or lost `webhooks:manage`; key events only of keys
 * they may read (keys/key-visibility.ts, the endpoint's location narrowing it as a location key's
 * request); news of other endpoints only with `org:manage` (the admins who see them). A location's
 * endpoint hears only its location's key events.
 */
function ownerMaySee(endpoint: EndpointRow, event: EventRow): boolean {
  const may = (permission: Permission) => endpoint.owner_permissions.includes(permission);
  if (!endpoint.created_by_id || !may(Permission.WEBHOOKS_MANAGE)) return false;
  if (event.type.startsWith("key.")) {
    const viewer = { personId: endpoint.created_by_id, locationId: endpoint.location_id };
    const reach = keyReach(viewer, event.organization_id, endpoint.owner_permissions);
    return seesKey(reach, keyFactsOfEvent(event.organization_id, event.payload));
  }
  if (endpoint.location_id) return false;
  if (event.type.startsWith("webhook.")) return may(Permission.ORG_MANAGE);
  return may(Permission.ORG_READ);
}
