import { AuditAction } from "../audit/audit-action";
import { commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { EventType } from "../events/events";
import { ApiKey } from "./api-key.entity";
import type { KeyCrypto } from "./key-crypto";
import { KeyState } from "./key-enums";
import { keyEventPayload } from "./key-events";
import { checkSecret } from "./key-format";
import { KeySecret } from "./key-secret.entity";

export const MAX_REPORTED_SECRETS = 1000;

const LEAKED = "Reported as leaked";

/**
 * Revocation of leaked Latchkey keys: anyone who finds keys (a scanner, a stranger)
 * reports them, every matching key not yet revoked is revoked with a `key.leaked` event, and the reporter
 * learns nothing about which matched. Strings that fail the checksum cost no database work. The
 * reporter is nobody: `ctx` has no actor, only the request's origin.
 */
export async function reportLeakedSecrets(
  ctx: Pick<ServiceContext, "em" | "actor" | "origin" | "clock" | "keyCache">,
  secrets: readonly string[],
  keyCrypto: KeyCrypto,
): Promise<void> {
  const digests = [...new Set(secrets.filter((secret) => checkSecret(secret).ok).map((secret) => keyCrypto.digest(secret)))];
  if (!digests.length) return;
  await commitChange(ctx, async (tx, record) => {
    const now = ctx.clock.now();
    const matches = await tx.find(
      KeySecret,
      { digest: { $in: digests }, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
      { fields: ["key"] },
    );
    // Every state but REVOKED: a disabled or pending key must not come back to life with a leaked secret.
    const keys = await tx.find(ApiKey, { id: { $in: matches.map((match) => match.key.id) }, state: { $ne: KeyState.REVOKED } });
    for (const key of keys) {
      key.state = KeyState.REVOKED;
      key.revokedAt = now;
      key.revokedReason = LEAKED;
      record.change({
        action: AuditAction.KEY_LEAKED,
        organizationId: key.organization.id,
        targetType: "ApiKey",
        targetId: key.id,
        reason: LEAKED,
        event: { type: EventType.KEY_LEAKED, payload: keyEventPayload(key) },
      });
    }
  });
}
