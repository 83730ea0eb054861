import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { EventType, publishEvent } from "../events/events";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, userError } from "../graphql/errors";
import { globalIdOf, parseInput } from "../graphql/validate";
import { ApiKey } from "./api-key.entity";
import { manageableKey, mayRevealKey, readableKey } from "./key-access";
import { KeyState } from "./key-enums";
import { keyEventPayload } from "./key-events";
import { isRevealable, issueSecret } from "./key-issuance";
import { KeySecret } from "./key-secret.entity";
import type { IssuedKey } from "./keys.service";

const MAX_GRACE_HOURS = 7 * 24;
const reasonSchema = z.string().trim().min(1, "must not be empty: say why").max(500, "must be at most 500 characters");
const idSchema = z.object({ id: globalIdOf("ApiKey") });
const revealSchema = z.object({ id: globalIdOf("ApiKey"), reason: reasonSchema });
const revokeSchema = z.object({ id: globalIdOf("ApiKey"), reason: reasonSchema });
const rotateSchema = z.object({
  id: globalIdOf("ApiKey"),
  gracePeriodHours: z.number().int().min(0).max(MAX_GRACE_HOURS, `must be at most ${MAX_GRACE_HOURS} hours (7 days)`).nullish(),
});

/** Records the audit entry and the domain event of a key change in the change's own transaction. */
function announce(
  em: EntityManager,
  ctx: RequestContext,
  key: ApiKey,
  action: AuditAction,
  event: EventType | null,
  details: Record<string, unknown> = {},
  reason: string | null = null,
) {
  const organizationId = key.organization.id;
  recordAudit(em, ctx, { action, organizationId, targetType: "ApiKey", targetId: key.id, reason, metadata: details });
  if (event) publishEvent(em, { type: event, organizationId, subjectId: key.id, payload: keyEventPayload(key, details) });
}

/** Commits a key change, then drops this instance's cached verifications at once (others hear the NOTIFY). */
export async function changeKey<T>(
  ctx: RequestContext,
  key: ApiKey,
  change: (em: EntityManager) => Promise<T>,
  check: (key: ApiKey) => void = () => undefined,
): Promise<T> {
  const result = await ctx.em.transactional(async (em) => {
    // Lock the row and read it again: a concurrent revoke, leak report or sweep may have changed the
    // state since it was loaded, and two rotations must not both leave a current secret.
    await em.findOneOrFail(ApiKey, key.id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    check(key);
    return change(em);
  });
  ctx.services.keyVerifier.evict(key.id);
  return result;
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
 * Shows a stored secret again, for a stated reason that goes into the audit log (Claire). Needs
 * `keys:reveal` or owning the key, an organisation that keeps secrets revealable, and a kind
 * other than OAUTH_CLIENT.
 */
export async function revealKeySecret(ctx: RequestContext, input: unknown): Promise<{ key: ApiKey; secret: string }> {
  const { id, reason } = parseInput(revealSchema, input);
  ctx.authz.requireActor();
  const key = await readableKey(ctx, id);
  if (!key) throw userError(UserErrorCode.NOT_FOUND, "Key not found.", ["id"]);
  if (!(await mayRevealKey(ctx, key))) {
    throw userError(UserErrorCode.FORBIDDEN, "Revealing another member's key needs `keys:reveal`.");
  }
  requireUsable(key);
  const organization = (await ctx.loaders.orgs.byId.load(key.organization.id))!;
  const current = await ctx.em.findOne(KeySecret, { key: key.id, expiresAt: null }, { populate: ["sealed"] });
  if (!isRevealable(key.kind, organization) || !current?.sealed) {
    throw userError(
      UserErrorCode.REVEAL_NOT_ALLOWED,
      "This secret was shown once, when it was created or rotated, and cannot be shown again. Rotate the key for a new one.",
    );
  }
  const secret = ctx.services.keyCrypto.open(current.sealed);
  await ctx.em.transactional(async (em) => announce(em, ctx, key, AuditAction.KEY_REVEALED, EventType.KEY_REVEALED, {}, reason));
  return { key, secret };
}

/**
 * A new secret that keeps the key's name, scopes, mapped user and restrictions. The old secret stops
 * at once, or at the end of a grace period of up to 7 days (as Stripe's roll).
 */
export async function rotateKey(ctx: RequestContext, input: unknown): Promise<IssuedKey> {
  const { id, gracePeriodHours } = parseInput(rotateSchema, input);
  const key = await manageableKey(ctx, id);
  requireUsable(key);
  const organization = (await ctx.loaders.orgs.byId.load(key.organization.id))!;
  const graceEnds = new Date(Date.now() + (gracePeriodHours ?? 0) * 3_600_000);
  return changeKey(
    ctx,
    key,
    async (em) => {
      // Supersede before issuing: the new secret is inserted at flush, after these statements, so the
      // one-current-secret index (key_secrets_current_unique) holds at every step.
      // Earlier superseded secrets end now too: at most one old secret is ever still valid.
      await em.nativeUpdate(KeySecret, { key: key.id, expiresAt: { $gt: new Date() } }, { expiresAt: new Date() });
      await em.nativeUpdate(KeySecret, { key: key.id, expiresAt: null }, { expiresAt: graceEnds });
      const secret = issueSecret(em, ctx.services.keyCrypto, key, organization);
      // Someone is looking after this key: rotating it restarts the inactivity clock.
      key.lastUsedAt = new Date();
      em.persist(key);
      announce(em, ctx, key, AuditAction.KEY_ROTATED, EventType.KEY_ROTATED, { previousSecretValidUntil: graceEnds.toISOString() });
      return { key, secret };
    },
    requireUsable,
  );
}

/** Withdraws a key for good, with a reason (Crelate's "clear"). */
export async function revokeKey(ctx: RequestContext, input: unknown): Promise<ApiKey> {
  const { id, reason } = parseInput(revokeSchema, input);
  const key = await manageableKey(ctx, id);
  requireNotRevoked(key);
  return changeKey(
    ctx,
    key,
    async (em) => {
      key.state = KeyState.REVOKED;
      key.revokedAt = new Date();
      key.revokedReason = reason;
      em.persist(key);
      announce(em, ctx, key, AuditAction.KEY_REVOKED, EventType.KEY_REVOKED, {}, reason);
      return key;
    },
    requireNotRevoked,
  );
}

/** Switches a key off without deleting it, or back on. */
export async function setKeyEnabled(ctx: RequestContext, input: unknown, enabled: boolean): Promise<ApiKey> {
  const { id } = parseInput(idSchema, input);
  const key = await manageableKey(ctx, id);
  const check = requireState(enabled ? KeyState.DISABLED : KeyState.ACTIVE, enabled ? "enabled" : "disabled");
  check(key);
  return changeKey(
    ctx,
    key,
    async (em) => {
      key.state = enabled ? KeyState.ACTIVE : KeyState.DISABLED;
      em.persist(key);
      announce(em, ctx, key, enabled ? AuditAction.KEY_ENABLED : AuditAction.KEY_DISABLED, EventType.KEY_UPDATED, { state: key.state });
      return key;
    },
    check,
  );
}

/** Approves a key that waits for an admin (GitHub's fine-grained token approval). */
export async function approveKey(ctx: RequestContext, input: unknown): Promise<ApiKey> {
  const { id } = parseInput(idSchema, input);
  ctx.authz.requireActor();
  const key = await readableKey(ctx, id);
  if (!key) throw userError(UserErrorCode.NOT_FOUND, "Key not found.", ["id"]);
  await ctx.authz.require(key.organization.id, Permission.KEYS_MANAGE_ALL, "Key", key.location?.id ?? null);
  requirePending(key);
  return changeKey(
    ctx,
    key,
    async (em) => {
      key.state = KeyState.ACTIVE;
      em.persist(key);
      announce(em, ctx, key, AuditAction.KEY_APPROVED, EventType.KEY_UPDATED, { state: key.state });
      return key;
    },
    requirePending,
  );
}

export async function deleteKey(ctx: RequestContext, input: unknown): Promise<string> {
  const { id } = parseInput(idSchema, input);
  const key = await manageableKey(ctx, id);
  await changeKey(ctx, key, async (em) => {
    announce(em, ctx, key, AuditAction.KEY_DELETED, EventType.KEY_DELETED, { name: key.name });
    await em.nativeDelete("ApiKey", { id: key.id });
  });
  return key.id;
}
