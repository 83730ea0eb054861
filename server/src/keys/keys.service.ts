import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { EventType } from "../events/events";
import { loadOrFail } from "../graphql/by-id-loader";
import { UserErrorCode, userError } from "../graphql/errors";
import { requireHeldPermissions } from "../roles/roles.service";
import { User } from "../users/user.entity";
import { requireCurrentAgreement } from "./agreement.service";
import { ApiKey } from "./api-key.entity";
import { manageableKey } from "./key-access";
import { keyCreationRefusal } from "./key-creation-rules";
import type { KeyCrypto } from "./key-crypto";
import { KeyState } from "./key-enums";
import { keyEventPayload } from "./key-events";
import { issueSecret, publicIdFor } from "./key-issuance";
import { changeKey } from "./key-lifecycle.service";
import { expiryWithinPolicy } from "./key-policy";
import type { CreateKey, UpdateKey } from "./keys.inputs";

export interface IssuedKey {
  key: ApiKey;
  /** The plaintext secret: in this response only. */
  secret: string;
}

/** A key acts for a member of its organisation, with scopes inside that member's permissions. */
async function requireMappableUser(ctx: ServiceContext, organizationId: string, userId: string, scopes: readonly Permission[]) {
  const membership = (await ctx.loaders.members.ofUser.load(userId)).find((candidate) => candidate.organization.id === organizationId);
  if (!membership) throw userError(UserErrorCode.NOT_FOUND, "The mapped user is not a member of this organization.", ["mappedUserId"]);
  const beyond = scopes.filter((scope) => !membership.role.permissions.includes(scope));
  if (beyond.length) {
    throw userError(UserErrorCode.FORBIDDEN, `The mapped user does not hold ${beyond.join(", ")}, so the key cannot either.`, ["scopes"]);
  }
}

export async function createKey(ctx: ServiceContext, input: CreateKey, keyCrypto: KeyCrypto): Promise<IssuedKey> {
  const actor = ctx.authz.requireActor();
  const { organizationId } = input;
  const locationId = input.locationId ?? null;
  const organization = await ctx.loaders.orgs.byId.load(organizationId);
  if (!organization) throw userError(UserErrorCode.NOT_FOUND, "Organization not found.");
  const refusal = await keyCreationRefusal(ctx, organization, locationId);
  if (refusal) throw refusal;
  if (locationId) {
    const location = await ctx.loaders.orgs.locationById.load(locationId);
    if (!location || location.organization.id !== organizationId)
      throw userError(UserErrorCode.NOT_FOUND, "Location not found.", ["locationId"]);
  }
  const isAdmin = await ctx.authz.can(organizationId, Permission.KEYS_MANAGE_ALL, locationId);
  await requireCurrentAgreement(ctx, actor.userId, organization);

  const personal = input.personal ?? false;
  const mappedUserId = input.mappedUserId ?? actor.userId;
  if (mappedUserId !== actor.userId && (personal || !isAdmin)) {
    throw userError(
      UserErrorCode.FORBIDDEN,
      "Mapping a key to another user needs `keys:manage:all`, and personal keys are always your own.",
      ["mappedUserId"],
    );
  }
  const scopes = [...new Set([Permission.ORG_READ, ...(input.scopes ?? [])])];
  // A key never holds more than its creator: this is what stops an Admin from minting a key that
  // acts as the Owner, and a key from minting a broader one.
  await requireHeldPermissions(ctx, organizationId, scopes);
  await requireMappableUser(ctx, organizationId, mappedUserId, scopes);
  if (!personal && !input.contact) {
    throw userError(UserErrorCode.INVALID_INPUT, "contact: organization keys need a contact name, email and phone", ["contact"]);
  }
  const now = ctx.clock.now();
  const expiresAt = expiryWithinPolicy(input.expiresAt, organization.settings, now);

  return commitChange(ctx, async (em, record) => {
    const key = em.create(ApiKey, {
      organization: organizationId,
      location: locationId,
      name: input.name,
      kind: input.kind,
      state: organization.settings.requireKeyApproval && !isAdmin ? KeyState.PENDING : KeyState.ACTIVE,
      personal,
      publicId: publicIdFor(input.kind),
      maskedSecret: "",
      createdBy: actor.userId,
      mappedUser: mappedUserId,
      scopes,
      contactName: input.contact?.name ?? null,
      contactEmail: input.contact?.email ?? null,
      contactPhone: input.contact?.phone ?? null,
      expiresAt,
      allowedCidrs: input.allowedCidrs ?? [],
      createdAt: now,
    });
    const secret = issueSecret(em, keyCrypto, key, organization);
    record.change({
      action: AuditAction.KEY_CREATED,
      organizationId,
      targetType: "ApiKey",
      targetId: key.id,
      metadata: { name: key.name, kind: key.kind, state: key.state, scopes, mappedUserId, expiresAt },
      event: { type: EventType.KEY_CREATED, payload: keyEventPayload(key) },
    });
    return { key, secret };
  });
}

/** Changes name, expiry, mapped user, scopes, contact or address allowlist. Re-mapping needs `keys:manage:all`. */
export async function updateKey(ctx: ServiceContext, changes: UpdateKey): Promise<ApiKey> {
  const key = await manageableKey(ctx, changes.id);
  const organizationId = key.organization.id;
  const organization = await loadOrFail(ctx.loaders.orgs.byId, organizationId);
  const mappedUserId = changes.mappedUserId ?? key.mappedUser.id;
  if (mappedUserId !== key.mappedUser.id) {
    if (key.personal) throw userError(UserErrorCode.FORBIDDEN, "Personal keys always act for their owner.", ["mappedUserId"]);
    if (!(await ctx.authz.can(organizationId, Permission.KEYS_MANAGE_ALL, key.location?.id ?? null))) {
      throw userError(UserErrorCode.FORBIDDEN, "Changing the mapped user needs `keys:manage:all`.", ["mappedUserId"]);
    }
  }
  const scopes = changes.scopes ? [...new Set([Permission.ORG_READ, ...changes.scopes])] : key.scopes;
  if (changes.mappedUserId || changes.scopes) {
    await requireHeldPermissions(ctx, organizationId, scopes);
    await requireMappableUser(ctx, organizationId, mappedUserId, scopes);
  }
  const expiresAt =
    changes.expiresAt === undefined ? key.expiresAt : expiryWithinPolicy(changes.expiresAt, organization.settings, ctx.clock.now());

  return changeKey(ctx, key, async (em, record) => {
    const before = {
      name: key.name,
      mappedUserId: key.mappedUser.id,
      scopes: key.scopes,
      expiresAt: key.expiresAt,
      allowedCidrs: key.allowedCidrs,
    };
    if (changes.name) key.name = changes.name;
    key.mappedUser = em.getReference(User, mappedUserId);
    key.scopes = scopes;
    key.expiresAt = expiresAt;
    if (changes.allowedCidrs) key.allowedCidrs = changes.allowedCidrs;
    if (changes.contact) {
      key.contactName = changes.contact.name;
      key.contactEmail = changes.contact.email;
      key.contactPhone = changes.contact.phone;
    }
    em.persist(key);
    const after = { name: key.name, mappedUserId, scopes: key.scopes, expiresAt: key.expiresAt, allowedCidrs: key.allowedCidrs };
    record.change({
      action: AuditAction.KEY_UPDATED,
      organizationId,
      targetType: "ApiKey",
      targetId: key.id,
      metadata: { before, after },
      event: { type: EventType.KEY_UPDATED, payload: keyEventPayload(key) },
    });
    return key;
  });
}
