import type { EntityManager } from "@mikro-orm/postgresql";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import type { RequestInfo } from "../auth/actor";
import { EventType, publishEvent } from "../events/events";
import { ApiKey } from "./api-key.entity";
import type { KeyCrypto } from "./key-crypto";
import { KeyState } from "./key-enums";
import { keyEventPayload } from "./key-events";
import { checkSecret } from "./key-format";
import { KeySecret } from "./key-secret.entity";

export const MAX_REPORTED_SECRETS = 1000;

/**
 * Revocation of leaked Latchkey keys: anyone who finds keys (a scanner, a stranger)
 * reports them, every matching key not yet revoked is revoked with a `key.leaked` event, and the reporter
 * learns nothing about which matched. Strings that fail the checksum cost no database work.
 */
export async function reportLeakedSecrets(
  em: EntityManager,
  crypto: KeyCrypto,
  secrets: string[],
  request: RequestInfo,
  onRevoked: (keyId: string) => void,
): Promise<void> {
  const digests = [...new Set(secrets.filter((secret) => checkSecret(secret).ok).map((secret) => crypto.digest(secret)))];
  if (!digests.length) return;
  const revoked = await em.fork().transactional(async (tx) => {
    const matches = await tx.find(
      KeySecret,
      { digest: { $in: digests }, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] },
      { fields: ["key"] },
    );
    // Every state but REVOKED: a disabled or pending key must not come back to life with a leaked secret.
    const keys = await tx.find(ApiKey, { id: { $in: matches.map((match) => match.key.id) }, state: { $ne: KeyState.REVOKED } });
    for (const key of keys) {
      key.state = KeyState.REVOKED;
      key.revokedAt = new Date();
      key.revokedReason = "Reported as leaked";
      recordAudit(
        tx,
        { actor: null, origin: request },
        {
          action: AuditAction.KEY_LEAKED,
          organizationId: key.organization.id,
          targetType: "ApiKey",
          targetId: key.id,
          reason: "Reported as leaked",
        },
      );
      publishEvent(tx, {
        type: EventType.KEY_LEAKED,
        organizationId: key.organization.id,
        subjectId: key.id,
        payload: keyEventPayload(key),
      });
    }
    return keys.map((key) => key.id);
  });
  revoked.forEach(onRevoked);
}
