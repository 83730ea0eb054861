import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditAction } from "../audit/audit-action";
import type { Recorder } from "../core/record-change";
import { EventType } from "../events/events";
import { ApiKey } from "./api-key.entity";
import { keyEventPayload } from "./key-events";

/**
 * Deleting an organisation or a location takes its keys with it (foreign-key cascade). Each such key
 * still gets its audit entry and `key.deleted` event, recorded through `record` in the deletion's
 * transaction `tx` (`commitChange` hands over both), so every instance drops its cached verifications
 * and every consumer hears of it. Returns the key IDs.
 */
export async function announceCascadedKeyDeletions(
  tx: EntityManager,
  record: Pick<Recorder, "change">,
  scope: { organizationId: string } | { locationId: string },
  reason: string,
): Promise<string[]> {
  const where = "organizationId" in scope ? { organization: scope.organizationId } : { location: scope.locationId };
  const keys = await tx.find(ApiKey, where);
  for (const key of keys) {
    record.change({
      action: AuditAction.KEY_DELETED,
      organizationId: key.organization.id,
      targetType: "ApiKey",
      targetId: key.id,
      metadata: { name: key.name, reason },
      event: { type: EventType.KEY_DELETED, payload: keyEventPayload(key, { reason }) },
    });
  }
  return keys.map((key) => key.id);
}
