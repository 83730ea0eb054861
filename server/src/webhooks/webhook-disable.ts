import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditAction } from "../audit/audit-action";
import { recordChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { EventType } from "../events/events";
import { Notification } from "../notifications/notification.entity";
import { cancelPendingOf } from "./webhook-messages";

/**
 * Latchkey switches an endpoint off (after `410 Gone`, or days of failures): its waiting messages are
 * cancelled, and the change is audited, announced as `webhook.disabled` and told to whoever
 * registered it, all in the caller's transaction `tx`. `ctx` is the delivery job's: no actor.
 */
export async function disableEndpoint(
  tx: EntityManager,
  ctx: Pick<ServiceContext, "actor" | "origin" | "clock">,
  endpointId: string,
  reason: string,
): Promise<void> {
  const [endpoint] = await tx.execute<Array<{ organization_id: string; created_by_id: string | null; url: string }>>(
    `update webhook_endpoints set status = 'DISABLED', disabled_reason = ? where id = ? and status <> 'DISABLED'
     returning organization_id, created_by_id, url`,
    [reason, endpointId],
  );
  if (!endpoint) return;
  await cancelPendingOf(tx, endpointId);
  // Not the URL: other members' endpoints hear of this, and URLs often carry credentials.
  const payload = { endpointId, reason };
  const event = recordChange(tx, ctx, {
    action: AuditAction.WEBHOOK_DISABLED,
    organizationId: endpoint.organization_id,
    targetType: "WebhookEndpoint",
    targetId: endpointId,
    reason,
    event: { type: EventType.WEBHOOK_DISABLED, payload },
  });
  if (endpoint.created_by_id && event) {
    tx.persist(
      tx.create(Notification, {
        user: endpoint.created_by_id,
        eventId: event.id,
        type: event.type,
        message: `Your webhook endpoint ${endpoint.url} was disabled: ${reason} Resume it once it works again.`,
        data: payload,
        createdAt: ctx.clock.now(),
        readAt: null,
      }),
    );
  }
}
