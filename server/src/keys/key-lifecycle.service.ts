import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { commitChange, type Recorder } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { EventType } from "../events/events";
import { loadOrFail } from "../graphql/by-id-loader";
import { UserErrorCode, userError } from "../graphql/errors";
import { ApiKey } from "./api-key.entity";
import { manageableKey, mayRevealKey, readableKey } from "./key-access";
import type { KeyCrypto } from "./key-crypto";
import { KeyState } from "./key-enums";
import { keyEventPayload } from "./key-events";
import { isRevealable, issueSecret } from "./key-issuance";
import { KeySecret } from "./key-secret.entity";
import type { KeyId, RevealKeySecret, RevokeKey, RotateKey } from "./keys.inputs";
import type { IssuedKey } from "./keys.service";

/** Records a key change's audit entry and, if any, its domain event. */
function recordKeyChange(
  record: Recorder,
  key: ApiKey,
  action: AuditAction,
  event: EventType | null,
  details: Record<string, unknown> = {},
  reason: string | null = null,
) {
  record.change({
    action,
    organizationId: key.organization.id,
    targetType: "ApiKey",
    targetId: key.id,
    reason,
    metadata: details,
    event: event ? { type: event, payload: keyEventPayload(key, details) } : undefined,
  });
}

/** Commits a change to one key under a row lock, with its audit entry and event (`commitChange`). */
export async function changeKey<T>(
  ctx: ServiceContext,
  key: ApiKey,
  change: (tx: EntityManager, record: Recorder) => Promise<T>,
  check: (key: ApiKey) => void = () => undefined,
): Promise<T> {
  return commitChange(ctx, async (tx, record) => {
    // Lock the row and read it again: a concurrent revoke, leak report or sweep may have changed the
    // state since it was loaded, and two rotations must not both leave a current secret.
    await tx.findOneOrFail(ApiKey, key.id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    check(key);
    return change(tx, record);
  });
}

export function requireNotRevoked(key: ApiKey) {
  if (key.state === KeyState.REVOKED) throw userError(UserErrorCode.KEY_REVOKED, "This key is already revoked.", ["id"]);
}

export function requirePending(key: ApiKey) {
  if (key.state !== KeyState.PENDING) throw userError(UserErrorCode.INVALID_STATE, "Only keys pending approval can be approved.", ["id"]);
}

export function requireState(from: KeyState, verb: string) {
  return (key: ApiKey) => {
    requireUsable(key);
    if (key.state !== from) throw userError(UserErrorCode.INVALID_STATE, `Only ${from.toLowerCase()} keys can be ${verb}.`, ["id"]);
  };
}

export function requireUsable(key: ApiKey) {
  const state = key.effectiveState();
  if (state === KeyState.REVOKED || state === KeyState.EXPIRED) {
    const code = state === KeyState.REVOKED ? UserErrorCode.KEY_REVOKED : UserErrorCode.KEY_EXPIRED;
    throw userError(code, `This key is ${state.toLowerCase()}; create a new one instead.`, ["id"]);
  }
}

/**
 * Shows a stored secret again, for a stated reason that goes into the audit log. Needs
 * `keys:reveal` or owning the key, an organisation that keeps secrets revealable, and a kind
 * other than OAUTH_CLIENT.
 */
export async function revealKeySecret(
  ctx: ServiceContext,
  { id, reason }: RevealKeySecret,
  keyCrypto: KeyCrypto,
): Promise<{ key: ApiKey; secret: string }> {
  ctx.authz.requireActor();
  const key = await readableKey(ctx, id);
  if (!key) throw userError(UserErrorCode.NOT_FOUND, "Key not found.", ["id"]);
  if (!(await mayRevealKey(ctx, key))) {
    throw userError(UserErrorCode.FORBIDDEN, "Revealing another member's key needs `keys:reveal`.");
  }
  requireUsable(key);
  const organization = await loadOrFail(ctx.loaders.orgs.byId, key.organization.id);
  const current = await ctx.em.findOne(KeySecret, { key: key.id, expiresAt: null }, { populate: ["sealed"] });
  if (!isRevealable(key.kind, organization) || !current?.sealed) {
    throw userError(
      UserErrorCode.REVEAL_NOT_ALLOWED,
      "This secret was shown once, when it was created or rotated, and cannot be shown again. Rotate the key for a new one.",
    );
  }
  const secret = keyCrypto.open(current.sealed);
  await commitChange(ctx, async (_tx, record) =>
    recordKeyChange(record, key, AuditAction.KEY_REVEALED, EventType.KEY_REVEALED, {}, reason),
  );
  return { key, secret };
}

/**
 * A new secret that keeps the key's name, scopes, mapped user and restrictions. The old secret stops
 * at once, or at the end of a grace period of up to 7 days, so its clients can switch over first.
 */
export async function rotateKey(ctx: ServiceContext, { id, gracePeriodHours }: RotateKey, keyCrypto: KeyCrypto): Promise<IssuedKey> {
  const key = await manageableKey(ctx, id);
  requireUsable(key);
  const organization = await loadOrFail(ctx.loaders.orgs.byId, key.organization.id);
  const now = ctx.clock.now();
  const graceEnds = new Date(now.getTime() + (gracePeriodHours ?? 0) * 3_600_000);
  return changeKey(
    ctx,
    key,
    async (em, record) => {
      // Supersede before issuing: the new secret is inserted at flush, after these statements, so the
      // one-current-secret index (key_secrets_current_unique) holds at every step.
      // Earlier superseded secrets end now too: at most one old secret is ever still valid.
      await em.nativeUpdate(KeySecret, { key: key.id, expiresAt: { $gt: now } }, { expiresAt: now });
      await em.nativeUpdate(KeySecret, { key: key.id, expiresAt: null }, { expiresAt: graceEnds });
      const secret = issueSecret(em, keyCrypto, key, organization);
      // Someone is looking after this key: rotating it restarts the inactivity clock.
      key.lastUsedAt = now;
      em.persist(key);
      recordKeyChange(record, key, AuditAction.KEY_ROTATED, EventType.KEY_ROTATED, { previousSecretValidUntil: graceEnds.toISOString() });
      return { key, secret };
    },
    requireUsable,
  );
}

/** Withdraws a key for good, with a reason. */
export async function revokeKey(ctx: ServiceContext, { id, reason }: RevokeKey): Promise<ApiKey> {
  const key = await manageableKey(ctx, id);
  requireNotRevoked(key);
  return changeKey(
    ctx,
    key,
    async (em, record) => {
      key.state = KeyState.REVOKED;
      key.revokedAt = ctx.clock.now();
      key.revokedReason = reason;
      em.persist(key);
      recordKeyChange(record, key, AuditAction.KEY_REVOKED, EventType.KEY_REVOKED, {}, reason);
      return key;
    },
    requireNotRevoked,
  );
}

/** Switches a key off without deleting it, or back on. */
export async function setKeyEnabled(ctx: ServiceContext, { id }: KeyId, enabled: boolean): Promise<ApiKey> {
  const key = await manageableKey(ctx, id);
  const check = requireState(enabled ? KeyState.DISABLED : KeyState.ACTIVE, enabled ? "enabled" : "disabled");
  check(key);
  return changeKey(
    ctx,
    key,
    async (em, record) => {
      key.state = enabled ? KeyState.ACTIVE : KeyState.DISABLED;
      em.persist(key);
      recordKeyChange(record, key, enabled ? AuditAction.KEY_ENABLED : AuditAction.KEY_DISABLED, EventType.KEY_UPDATED, {
        state: key.state,
      });
      return key;
    },
    check,
  );
}

/** Approves a key that waits for an admin's approval. */
export async function approveKey(ctx: ServiceContext, { id }: KeyId): Promise<ApiKey> {
  ctx.authz.requireActor();
  const key = await readableKey(ctx, id);
  if (!key) throw userError(UserErrorCode.NOT_FOUND, "Key not found.", ["id"]);
  await ctx.authz.require(key.organization.id, Permission.KEYS_MANAGE_ALL, "Key", key.location?.id ?? null);
  requirePending(key);
  return changeKey(
    ctx,
    key,
    async (em, record) => {
      key.state = KeyState.ACTIVE;
      em.persist(key);
      recordKeyChange(record, key, AuditAction.KEY_APPROVED, EventType.KEY_UPDATED, { state: key.state });
      return key;
    },
    requirePending,
  );
}

export async function deleteKey(ctx: ServiceContext, { id }: KeyId): Promise<string> {
  const key = await manageableKey(ctx, id);
  await changeKey(ctx, key, async (em, record) => {
    recordKeyChange(record, key, AuditAction.KEY_DELETED, EventType.KEY_DELETED, { name: key.name });
    await em.nativeDelete("ApiKey", { id: key.id });
  });
  return key.id;
}
