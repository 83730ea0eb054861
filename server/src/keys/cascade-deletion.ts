import type { EntityManager } from "@mikro-orm/postgresql";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { EventType, publishEvent } from "../events/events";
import type { RequestContext } from "../graphql/context";
import { ApiKey } from "./api-key.entity";
import { keyEventPayload } from "./key-events";

/**
 * Deleting an organisation or a location takes its keys with it (foreign-key cascade). Each such key
 * still gets its audit entry and `key.deleted` event, in the deletion's transaction, so every
 * instance drops its cached verifications and every consumer hears of it. Returns the key IDs.
 */
export async function announceCascadedKeyDeletions(
  em: EntityManager,
  ctx: Pick<RequestContext, "actor" | "origin">,
  scope: { organizationId: string } | { locationId: string },
  reason: string,
): Promise<string[]> {
  const where = "organizationId" in scope ? { organization: scope.organizationId } : { location: scope.locationId };
  const keys = await em.find(ApiKey, where);
  for (const key of keys) {
    const organizationId = key.organization.id;
    recordAudit(em, ctx, {
      action: AuditAction.KEY_DELETED,
      organizationId,
      targetType: "ApiKey",
      targetId: key.id,
      metadata: { name: key.name, reason },
    });
    publishEvent(em, { type: EventType.KEY_DELETED, organizationId, subjectId: key.id, payload: keyEventPayload(key, { reason }) });
  }
  return keys.map((key) => key.id);
}
