import type { EntityManager } from "@mikro-orm/postgresql";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { EventType, publishEvent } from "../events/events";
import { toGlobalId } from "../graphql/global-id";
import { Notification } from "../notifications/notification.entity";
import { cancelPendingOf } from "./webhook-messages";

const SYSTEM = { actor: null, origin: { requestId: "webhook-delivery", ipAddress: null, userAgent: null } };

/**
 * Latchkey switches an endpoint off (after `410 Gone`, or days of failures): its waiting messages are
 * cancelled, and the change is audited, announced as `webhook.disabled` and told to whoever
 * registered it, all in the caller's transaction.
 */
export async function disableEndpoint(tx: EntityManager, endpointId: string, reason: string): Promise<void> {
  const [endpoint] = await tx.execute<Array<{ organization_id: string; created_by_id: string | null; url: string }>>(
    `update webhook_endpoints set status = 'DISABLED', disabled_reason = ? where id = ? and status <> 'DISABLED'
     returning organization_id, created_by_id, url`,
    [reason, endpointId],
  );
  if (!endpoint) return;
  await cancelPendingOf(tx, endpointId);
  // Not the URL: other members' endpoints hear of this, and URLs often carry credentials.
  const payload = { endpointId: toGlobalId("WebhookEndpoint", endpointId), reason };
  const event = publishEvent(tx, {
    type: EventType.WEBHOOK_DISABLED,
    organizationId: endpoint.organization_id,
    subjectId: endpointId,
    payload,
  });
  recordAudit(tx, SYSTEM, {
    action: AuditAction.WEBHOOK_DISABLED,
    organizationId: endpoint.organization_id,
    targetType: "WebhookEndpoint",
    targetId: endpointId,
    reason,
  });
  if (endpoint.created_by_id) {
    tx.persist(
      tx.create(Notification, {
        user: endpoint.created_by_id,
        eventId: event.id,
        type: event.type,
        message: `Your webhook endpoint ${endpoint.url} was disabled: ${reason} Resume it once it works again.`,
        data: payload,
        createdAt: new Date(),
        readAt: null,
      }),
    );
  }
}
