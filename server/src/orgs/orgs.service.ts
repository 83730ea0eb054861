import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, userError } from "../graphql/errors";
import { globalIdOf, nameSchema, parseInput } from "../graphql/validate";
import { announceCascadedKeyDeletions } from "../keys/cascade-deletion";
import { Membership } from "../members/membership.entity";
import { BuiltInRole } from "../roles/built-in-roles";
import { seedBuiltInRoles } from "../roles/roles.service";
import { Organization } from "./organization.entity";
import { RevealPolicy } from "./organization-settings";

const settingsSchema = z
  .object({
    apiAccessForNonAdmins: z.boolean().nullish(),
    agreementVersion: z.number().int().min(1).max(1_000_000).nullish(),
    agreementText: z
      .string()
      .trim()
      .min(1, "must not be empty (send null to remove it)")
      .max(20_000, "must be at most 20,000 characters")
      .nullish(),
    revealPolicy: z.nativeEnum(RevealPolicy).nullish(),
    inactivityDays: z.number().int().min(1, "must be at least 1 day").max(3650, "must be at most 3650 days").nullish(),
    expiryWarningDays: z
      .array(z.number().int().min(1, "must be at least 1 day").max(365, "must be at most 365 days"))
      .min(1, "needs at least one threshold")
      .max(10, "allows at most 10 thresholds")
      .refine((days) => new Set(days).size === days.length, "must not repeat a threshold")
      .transform((days) => [...days].sort((a, b) => b - a))
      .nullish(),
    maxKeyLifetimeDays: z.number().int().min(1, "must be at least 1 day").max(3650, "must be at most 3650 days").nullish(),
    requireKeyApproval: z.boolean().nullish(),
  })
  .strict();

/** Settings where null is a value (no limit) rather than "leave as is". */
const NULLABLE_SETTINGS = new Set(["maxKeyLifetimeDays", "agreementText"]);

const createSchema = z.object({ name: nameSchema });
const updateSchema = z.object({ id: globalIdOf("Organization"), name: nameSchema.nullish(), settings: settingsSchema.nullish() });
const deleteSchema = z.object({ id: globalIdOf("Organization") });

/** The organisation, if the caller may read it; otherwise null, exactly as if it did not exist. */
export async function readableOrganization(ctx: RequestContext, id: string): Promise<Organization | null> {
  if (!(await ctx.authz.can(id, Permission.ORG_READ))) return null;
  return ctx.loaders.orgs.byId.load(id);
}

/** Any signed-in user may found an organisation; they become its Owner. */
export async function createOrganization(ctx: RequestContext, input: unknown): Promise<Organization> {
  const actor = ctx.authz.requirePerson();
  const { name } = parseInput(createSchema, input);
  const organization = await ctx.em.transactional(async (em) => {
    const organization = em.create(Organization, { name, createdAt: new Date() });
    const roles = seedBuiltInRoles(em, organization);
    em.create(Membership, {
      user: actor.userId,
      organization,
      role: roles.get(BuiltInRole.OWNER)!,
      createdAt: new Date(),
    });
    recordAudit(em, ctx, {
      action: AuditAction.ORGANIZATION_CREATED,
      organizationId: organization.id,
      targetType: "Organization",
      targetId: organization.id,
      metadata: { name },
    });
    return organization;
  });
  ctx.loaders.members.ofUser.clear(actor.userId);
  return organization;
}

export async function updateOrganization(ctx: RequestContext, input: unknown): Promise<Organization> {
  const { id, name, settings } = parseInput(updateSchema, input);
  await ctx.authz.require(id, Permission.ORG_MANAGE);
  const organization = await ctx.loaders.orgs.byId.load(id);
  if (!organization) throw userError(UserErrorCode.NOT_FOUND, "Organization not found.", ["id"]);
  if (settings?.agreementVersion != null && settings.agreementVersion < organization.settings.agreementVersion) {
    throw userError(
      UserErrorCode.INVALID_INPUT,
      `The agreement version can only go up (it is ${organization.settings.agreementVersion}).`,
      ["settings", "agreementVersion"],
    );
  }
  return ctx.em.transactional(async (em) => {
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (name && name !== organization.name) {
      changes.name = { from: organization.name, to: name };
      organization.name = name;
    }
    for (const [field, value] of Object.entries(settings ?? {})) {
      if (value === undefined || (value === null && !NULLABLE_SETTINGS.has(field))) continue;
      const key = field as keyof typeof organization.settings;
      if (JSON.stringify(organization.settings[key]) === JSON.stringify(value)) continue;
      changes[`settings.${field}`] = { from: organization.settings[key], to: value };
      (organization.settings as unknown as Record<string, unknown>)[key] = value;
    }
    em.persist(organization);
    if (Object.keys(changes).length) {
      recordAudit(em, ctx, {
        action: AuditAction.ORGANIZATION_UPDATED,
        organizationId: id,
        targetType: "Organization",
        targetId: id,
        metadata: { changes },
      });
    }
    return organization;
  });
}

/** Deletes the organisation with its locations, roles and memberships. The audit log keeps its history. */
export async function deleteOrganization(ctx: RequestContext, input: unknown): Promise<string> {
  const { id } = parseInput(deleteSchema, input);
  await ctx.authz.require(id, Permission.ORG_DELETE);
  const organization = await ctx.loaders.orgs.byId.load(id);
  if (!organization) throw userError(UserErrorCode.NOT_FOUND, "Organization not found.", ["id"]);
  const deletedKeys = await ctx.em.transactional(async (em) => {
    const keyIds = await announceCascadedKeyDeletions(em, ctx, { organizationId: id }, "organization deleted");
    await em.nativeDelete(Organization, { id });
    recordAudit(em, ctx, {
      action: AuditAction.ORGANIZATION_DELETED,
      organizationId: id,
      targetType: "Organization",
      targetId: id,
      metadata: { name: organization.name },
    });
    return keyIds;
  });
  for (const keyId of deletedKeys) ctx.services.keyVerifier.evict(keyId);
  return id;
}
