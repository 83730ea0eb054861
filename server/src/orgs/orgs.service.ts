import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { callerEvent, commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { CallerEventType } from "../events/events";
import { UserErrorCode, userError } from "../graphql/errors";
import { announceCascadedKeyDeletions } from "../keys/cascade-deletion";
import { Membership } from "../members/membership.entity";
import { BuiltInRole } from "../roles/built-in-roles";
import { seedBuiltInRoles } from "../roles/roles.service";
import { Organization } from "./organization.entity";
import type { OrganizationSettings } from "./organization-settings";
import type { CreateOrganization, DeleteOrganization, OrganizationSettingsChanges, UpdateOrganization } from "./orgs.inputs";

/** Settings where null is a value (no limit) rather than "leave as is". */
const NULLABLE_SETTINGS = new Set(["maxKeyLifetimeDays", "agreementText"]);

/** The organisation, if the caller may read it; otherwise null, exactly as if it did not exist. */
export async function readableOrganization(ctx: ServiceContext, id: string): Promise<Organization | null> {
  if (!(await ctx.authz.can(id, Permission.ORG_READ))) return null;
  return ctx.loaders.orgs.toRead.load(id);
}

/** Any signed-in user may found an organisation; they become its Owner. */
export async function createOrganization(ctx: ServiceContext, { name }: CreateOrganization): Promise<Organization> {
  const actor = ctx.authz.requirePerson();
  return foundOrganization(ctx, { name, externalId: null }, actor.userId);
}

/**
 * Creates an organisation with the built-in roles and, when there is a founder, makes them its Owner.
 * Provisioning founds organisations without one: the host appoints the Owner (or none) itself.
 * Callers check who may do this.
 */
export async function foundOrganization(
  ctx: ServiceContext,
  { name, externalId }: { name: string; externalId: string | null },
  founderId: string | null,
): Promise<Organization> {
  const organization = await commitChange(ctx, async (tx, record) => {
    const organization = tx.create(Organization, { name, externalId, createdAt: ctx.clock.now() });
    const owner = seedBuiltInRoles(tx, organization, ctx.clock).get(BuiltInRole.OWNER);
    if (!owner) throw new Error("The built-in roles include no Owner role.");
    if (founderId) tx.create(Membership, { user: founderId, organization, role: owner, createdAt: ctx.clock.now() });
    record.change({
      action: AuditAction.ORGANIZATION_CREATED,
      organizationId: organization.id,
      targetType: "Organization",
      targetId: organization.id,
      metadata: externalId ? { name, externalId } : { name },
    });
    if (founderId) record.event(callerEvent(CallerEventType.USER_CHANGED, founderId));
    return organization;
  });
  if (founderId) ctx.loaders.members.forgetUser(founderId);
  return organization;
}

/** Writes each given setting that differs into `settings`; returns what changed, from and to. */
function applySettings(settings: OrganizationSettings, changes: OrganizationSettingsChanges | null | undefined) {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  const writable = settings as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(changes ?? {})) {
    if (value === undefined || (value === null && !NULLABLE_SETTINGS.has(field))) continue;
    if (JSON.stringify(writable[field]) === JSON.stringify(value)) continue;
    changed[`settings.${field}`] = { from: writable[field], to: value };
    writable[field] = value;
  }
  return changed;
}

export async function updateOrganization(ctx: ServiceContext, { id, name, settings }: UpdateOrganization): Promise<Organization> {
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
  return changeOrganization(ctx, organization, { name, settings });
}

/** Renames an organisation or changes its settings; audited only when something differs. Callers check who may. */
export async function changeOrganization(
  ctx: ServiceContext,
  organization: Organization,
  { name, settings }: Pick<UpdateOrganization, "name" | "settings">,
): Promise<Organization> {
  return commitChange(ctx, async (tx, record) => {
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (name && name !== organization.name) {
      changes.name = { from: organization.name, to: name };
      organization.name = name;
    }
    Object.assign(changes, applySettings(organization.settings, settings));
    tx.persist(organization);
    if (Object.keys(changes).length) {
      record.change({
        action: AuditAction.ORGANIZATION_UPDATED,
        organizationId: organization.id,
        targetType: "Organization",
        targetId: organization.id,
        metadata: { changes },
      });
    }
    return organization;
  });
}

/**
 * Deletes the organisation with its locations, roles and memberships; its keys go too, each with its
 * own `key.deleted` record (which drops cached verifications). The audit log keeps its history.
 */
export async function deleteOrganization(ctx: ServiceContext, { id }: DeleteOrganization): Promise<string> {
  await ctx.authz.require(id, Permission.ORG_DELETE);
  const organization = await ctx.loaders.orgs.byId.load(id);
  if (!organization) throw userError(UserErrorCode.NOT_FOUND, "Organization not found.", ["id"]);
  await removeOrganization(ctx, organization);
  return id;
}

/** The deletion itself (keys announced, audit kept); callers check who may. */
export async function removeOrganization(ctx: ServiceContext, organization: Organization): Promise<void> {
  const { id } = organization;
  await commitChange(ctx, async (tx, record) => {
    await announceCascadedKeyDeletions(tx, record, { organizationId: id }, "organization deleted");
    await tx.nativeDelete(Organization, { id });
    record.change({
      action: AuditAction.ORGANIZATION_DELETED,
      organizationId: id,
      targetType: "Organization",
      targetId: id,
      metadata: { name: organization.name },
    });
    record.event(callerEvent(CallerEventType.ORGANIZATION_DELETED, id));
  });
}
