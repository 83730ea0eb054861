import type { EntityManager } from "@mikro-orm/postgresql";
import { Permission } from "../auth/permission";
import { EventType } from "../events/events";
import { keyFactsOfEvent } from "../keys/key-events";
import { keyReach, seesKey } from "../keys/key-visibility";
import { listensTo } from "./webhook-event-types";
import { enqueueDeliveries, PARALLEL_DELIVERIES } from "./webhook-jobs";
import { createMessages, pendingMessagesOf } from "./webhook-messages";

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
  created_by_id: string | null;
  /** What whoever registered the endpoint may do in the organisation now; empty once they left it. */
  owner_permissions: string[];
}

/**
 * Turns one event into a message per endpoint that listens to it (and whose owner may see it), in
 * one transaction, and returns the first wave of messages of enabled endpoints waiting to go out,
 * queuing the rest (a paused endpoint's messages wait for it to resume). The caller sends the wave
 * at once; should it die first, those messages are due (`next_attempt_at`) and the rescue sweep
 * queues them. Run again for the same event, it adds nothing (a message is unique per endpoint and
 * event) and returns what is still pending.
 */
export async function fanOutEvent(em: EntityManager, eventId: string): Promise<string[]> {
  return em.transactional(async (tx) => {
    const [event] = await tx.execute<EventRow[]>("select id, type, organization_id, subject_id, payload from domain_events where id = ?", [
      eventId,
    ]);
    if (!event?.organization_id) return [];
    const endpoints = await tx.execute<EndpointRow[]>(
      `select e.id, e.location_id, e.event_types, e.status, e.created_by_id, coalesce(r.permissions, '{}') as owner_permissions
       from webhook_endpoints e
       left join memberships m on m.user_id = e.created_by_id and m.organization_id = e.organization_id
       left join roles r on r.id = m.role_id
       where e.organization_id = ? and e.status in ('ENABLED', 'PAUSED')`,
      [event.organization_id],
    );
    const receivers = endpoints.filter((endpoint) => receives(endpoint, event));
    if (!receivers.length) return [];
    await createMessages(
      tx,
      event.id,
      receivers.map((endpoint) => endpoint.id),
    );
    const enabled = receivers.filter((endpoint) => endpoint.status === "ENABLED").map((endpoint) => endpoint.id);
    const ids = await pendingMessagesOf(tx, event.id, enabled);
    // Send a wave now; queue the rest as jobs of their own, so that no job outlives its lease.
    await enqueueDeliveries(tx, ids.slice(PARALLEL_DELIVERIES));
    return ids.slice(0, PARALLEL_DELIVERIES);
  });
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
