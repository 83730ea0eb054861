import { AuditAction } from "../audit/audit-action";
import { commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { EventType } from "../events/events";
import type { KeyCrypto } from "../keys/key-crypto";
import { maskSecret, newSecret, SecretKind } from "../keys/key-format";
import { PlatformKey } from "./platform-key.entity";

/** Makes a platform key; the secret is returned here once and stored only as its digest. */
export async function createPlatformKey(
  ctx: ServiceContext,
  { name }: { name: string },
  keyCrypto: KeyCrypto,
): Promise<{ key: PlatformKey; secret: string }> {
  const secret = newSecret(SecretKind.PLATFORM);
  const key = await commitChange(ctx, async (tx, record) => {
    const key = tx.create(PlatformKey, {
      name,
      digest: keyCrypto.digest(secret),
      maskedSecret: maskSecret(secret),
      createdAt: ctx.clock.now(),
    });
    record.change({
      action: AuditAction.PLATFORM_KEY_CREATED,
      organizationId: null,
      targetType: "PlatformKey",
      targetId: key.id,
      metadata: { name },
    });
    return key;
  });
  return { key, secret };
}

/** Every platform key, revoked ones too, oldest first. */
export function listPlatformKeys(ctx: ServiceContext): Promise<PlatformKey[]> {
  return ctx.em.find(PlatformKey, {}, { orderBy: { id: "asc" } });
}

/**
 * Revokes a platform key. The `platform_key.revoked` event's NOTIFY makes every instance drop its
 * cached verification at once (see PlatformKeyVerifier). Revoking a revoked key changes nothing.
 */
export async function revokePlatformKey(ctx: ServiceContext, { id }: { id: string }): Promise<PlatformKey | null> {
  return commitChange(ctx, async (tx, record) => {
    const key = await tx.findOne(PlatformKey, { id });
    if (!key || key.revokedAt) return key;
    key.revokedAt = ctx.clock.now();
    record.change({
      action: AuditAction.PLATFORM_KEY_REVOKED,
      organizationId: null,
      targetType: "PlatformKey",
      targetId: key.id,
      metadata: { name: key.name },
      event: { type: EventType.PLATFORM_KEY_REVOKED, payload: { platformKeyId: key.id } },
    });
    return key;
  });
}
