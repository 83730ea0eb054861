import type { EntityManager } from "@mikro-orm/postgresql";
import { v7 as uuidv7 } from "uuid";
import { EventType } from "../events/events";
import { idOfType } from "../graphql/global-id";
import { listensTo } from "./webhook-event-types";
import { uuidArray } from "./webhook-jobs";

interface EventRow {
  id: string;
  type: string;
  organization_id: string;
  subject_id: string | null;
  payload: Record<string, unknown>;
}

interface EndpointRow {
  id: string;
  location_id: string | null;
  event_types: string[];
  status: string;
}

/**
 * Turns one event into a message per endpoint that listens to it, in one transaction, and returns
 * the messages of enabled endpoints still waiting to go out (a paused endpoint's messages wait for
 * it to resume). The caller delivers them at once; should it die first, they are due
 * (`next_attempt_at`) and the rescue sweep queues them. Run again for the same event, it adds
 * nothing (a message is unique per endpoint and event) and returns what is still pending.
 */
export async function fanOutEvent(em: EntityManager, eventId: string): Promise<string[]> {
  return em.transactional(async (tx) => {
    const [event] = await tx.execute<EventRow[]>("select id, type, organization_id, subject_id, payload from domain_events where id = ?", [
      eventId,
    ]);
    if (!event?.organization_id) return [];
    const endpoints = await tx.execute<EndpointRow[]>(
      "select id, location_id, event_types, status from webhook_endpoints where organization_id = ? and status in ('ENABLED', 'PAUSED')",
      [event.organization_id],
    );
    const receivers = endpoints.filter((endpoint) => receives(endpoint, event));
    if (!receivers.length) return [];
    await tx.execute(
      `insert into webhook_messages (id, endpoint_id, event_id, next_attempt_at)
       select id, endpoint_id, ?, now() from unnest(?::uuid[], ?::uuid[]) as message (id, endpoint_id)
       on conflict (endpoint_id, event_id) do nothing`,
      // UUIDv7 IDs (made here: PostgreSQL before 18 has no uuidv7()) keep the message log in order.
      [event.id, uuidArray(receivers.map(() => uuidv7())), uuidArray(receivers.map((endpoint) => endpoint.id))],
    );
    const enabled = receivers.filter((endpoint) => endpoint.status === "ENABLED").map((endpoint) => endpoint.id);
    const pending = await tx.execute<Array<{ id: string }>>(
      "select id from webhook_messages where event_id = ? and endpoint_id = any(?::uuid[]) and status = 'PENDING'",
      [event.id, uuidArray(enabled)],
    );
    return pending.map((message) => message.id);
  });
}

function receives(endpoint: EndpointRow, event: EventRow): boolean {
  // A test goes to the endpoint it tests only; news about an endpoint goes to the others only.
  if (event.type === EventType.WEBHOOK_TEST) return event.subject_id === endpoint.id;
  if (event.type.startsWith("webhook.") && event.subject_id === endpoint.id) return false;
  if (!listensTo(endpoint.event_types, event.type)) return false;
  if (!endpoint.location_id) return true;
  const locationId = typeof event.payload.locationId === "string" ? idOfType(event.payload.locationId, "Location") : null;
  return locationId === endpoint.location_id;
}
