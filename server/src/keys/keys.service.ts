import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { EventType, publishEvent } from "../events/events";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, userError } from "../graphql/errors";
import { globalIdOf, nameSchema, parseInput } from "../graphql/validate";
import { requireHeldPermissions } from "../roles/roles.service";
import { User } from "../users/user.entity";
import { requireCurrentAgreement } from "./agreement.service";
import { ApiKey } from "./api-key.entity";
import { manageableKey } from "./key-access";
import { keyCreationRefusal } from "./key-creation-rules";
import { KeyKind, KeyState } from "./key-enums";
import { keyEventPayload } from "./key-events";
import { issueSecret, publicIdFor } from "./key-issuance";
import { changeKey } from "./key-lifecycle.service";
import { cidrSchema, expiryWithinPolicy } from "./key-policy";

const contactSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(200),
  email: z.string().trim().toLowerCase().email("must be a valid email address").max(254),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()./-]{5,30}$/, "must be a phone number"),
});

const scopesSchema = z.array(z.nativeEnum(Permission)).max(Object.keys(Permission).length);

const createSchema = z.object({
  organizationId: globalIdOf("Organization"),
  locationId: globalIdOf("Location").nullish(),
  name: nameSchema,
  kind: z.nativeEnum(KeyKind),
  personal: z.boolean().nullish(),
  mappedUserId: globalIdOf("User").nullish(),
  scopes: scopesSchema.nullish(),
  contact: contactSchema.nullish(),
  expiresAt: z.date().nullish(),
  allowedCidrs: z.array(cidrSchema).max(50).nullish(),
});

const updateSchema = z.object({
  id: globalIdOf("ApiKey"),
  name: nameSchema.nullish(),
  mappedUserId: globalIdOf("User").nullish(),
  scopes: scopesSchema.nullish(),
  contact: contactSchema.nullish(),
  expiresAt: z.date().nullish(),
  allowedCidrs: z.array(cidrSchema).max(50).nullish(),
});

export interface IssuedKey {
  key: ApiKey;
  /** The plaintext secret: in this response only. */
  secret: string;
}

/** A key acts for a member of its organisation, with scopes inside that member's permissions. */
async function requireMappableUser(ctx: RequestContext, organizationId: string, userId: string, scopes: readonly Permission[]) {
  const membership = (await ctx.loaders.members.ofUser.load(userId)).find((candidate) => candidate.organization.id === organizationId);
  if (!membership) throw userError(UserErrorCode.NOT_FOUND, "The mapped user is not a member of this organization.", ["mappedUserId"]);
  const beyond = scopes.filter((scope) => !membership.role.permissions.includes(scope));
  if (beyond.length) {
    throw userError(UserErrorCode.FORBIDDEN, `The mapped user does not hold ${beyond.join(", ")}, so the key cannot either.`, ["scopes"]);
  }
}

export async function createKey(ctx: RequestContext, input: unknown): Promise<IssuedKey> {
  const parsed = parseInput(createSchema, input);
  const actor = ctx.authz.requireActor();
  const { organizationId } = parsed;
  const locationId = parsed.locationId ?? null;
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

  const personal = parsed.personal ?? false;
  const mappedUserId = parsed.mappedUserId ?? actor.userId;
  if (mappedUserId !== actor.userId && (personal || !isAdmin)) {
    throw userError(
      UserErrorCode.FORBIDDEN,
      "Mapping a key to another user needs `keys:manage:all`, and personal keys are always your own.",
      ["mappedUserId"],
    );
  }
  const scopes = [...new Set([Permission.ORG_READ, ...(parsed.scopes ?? [])])];
  // A key never holds more than its creator: this is what stops an Admin from minting a key that
  // acts as the Owner, and a key from minting a broader one.
  await requireHeldPermissions(ctx, organizationId, scopes);
  await requireMappableUser(ctx, organizationId, mappedUserId, scopes);
  if (!personal && !parsed.contact) {
    throw userError(UserErrorCode.INVALID_INPUT, "contact: organisation keys need a contact name, email and phone", ["contact"]);
  }
  const expiresAt = expiryWithinPolicy(parsed.expiresAt, organization.settings);

  return ctx.em.transactional(async (em) => {
    const key = em.create(ApiKey, {
      organization: organizationId,
      location: locationId,
      name: parsed.name,
      kind: parsed.kind,
      state: organization.settings.requireKeyApproval && !isAdmin ? KeyState.PENDING : KeyState.ACTIVE,
      personal,
      publicId: publicIdFor(parsed.kind),
      maskedSecret: "",
      createdBy: actor.userId,
      mappedUser: mappedUserId,
      scopes,
      contactName: parsed.contact?.name ?? null,
      contactEmail: parsed.contact?.email ?? null,
      contactPhone: parsed.contact?.phone ?? null,
      expiresAt,
      allowedCidrs: parsed.allowedCidrs ?? [],
      createdAt: new Date(),
    });
    const secret = issueSecret(em, ctx.services.keyCrypto, key, organization);
    recordAudit(em, ctx, {
      action: AuditAction.KEY_CREATED,
      organizationId,
      targetType: "ApiKey",
      targetId: key.id,
      metadata: { name: key.name, kind: key.kind, state: key.state, scopes, mappedUserId, expiresAt },
    });
    publishEvent(em, { type: EventType.KEY_CREATED, organizationId, subjectId: key.id, payload: keyEventPayload(key) });
    return { key, secret };
  });
}

/** Changes name, expiry, mapped user, scopes, contact or address allowlist. Re-mapping needs `keys:manage:all`. */
export async function updateKey(ctx: RequestContext, input: unknown): Promise<ApiKey> {
  const changes = parseInput(updateSchema, input);
  const key = await manageableKey(ctx, changes.id);
  const organizationId = key.organization.id;
  const organization = (await ctx.loaders.orgs.byId.load(organizationId))!;
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
  const expiresAt = changes.expiresAt === undefined ? key.expiresAt : expiryWithinPolicy(changes.expiresAt, organization.settings);

  return changeKey(ctx, key, async (em) => {
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
    recordAudit(em, ctx, {
      action: AuditAction.KEY_UPDATED,
      organizationId,
      targetType: "ApiKey",
      targetId: key.id,
      metadata: { before, after },
    });
    publishEvent(em, { type: EventType.KEY_UPDATED, organizationId, subjectId: key.id, payload: keyEventPayload(key) });
    return key;
  });
}
