import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { type Clock, systemClock } from "../core/clock";
import { callerEvent, commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { conflictOnDuplicate } from "../db/errors";
import { CallerEventType } from "../events/events";
import { UserErrorCode, userError } from "../graphql/errors";
import { Membership } from "../members/membership.entity";
import type { Organization } from "../orgs/organization.entity";
import { BUILT_IN_ROLES, type BuiltInRole } from "./built-in-roles";
import { Role } from "./role.entity";
import type { CreateRole, DeleteRole, UpdateRole } from "./roles.inputs";

const DUPLICATE = "This organization already has a role with that name.";

/** The four built-in roles of a new organisation, created in the organisation's own transaction. */
export function seedBuiltInRoles(em: EntityManager, organization: Organization, clock: Clock = systemClock): Map<BuiltInRole, Role> {
  return new Map(
    BUILT_IN_ROLES.map((spec) => [
      spec.kind,
      em.create(Role, {
        organization,
        name: spec.name,
        description: spec.description,
        builtIn: spec.kind,
        permissions: [...spec.permissions],
        createdAt: clock.now(),
      }),
    ]),
  );
}

/**
 * No one hands out more than they hold: a role may only contain permissions the acting member has,
 * which is what keeps an Admin from minting an Owner-equivalent role.
 */
export async function requireHeldPermissions(ctx: ServiceContext, organizationId: string, wanted: readonly Permission[]) {
  const missing = await ctx.authz.permissionsBeyond(organizationId, wanted);
  if (missing.length) {
    throw userError(UserErrorCode.FORBIDDEN, `You cannot grant permissions you do not hold yourself: ${missing.join(", ")}.`, [
      "permissions",
    ]);
  }
}

/** Loads a role the caller may manage, or fails as not found / forbidden. */
async function manageableRole(ctx: ServiceContext, id: string): Promise<Role> {
  const role = await ctx.loaders.roles.byId.load(id);
  if (!role) throw userError(UserErrorCode.NOT_FOUND, "Role not found.", ["id"]);
  await ctx.authz.require(role.organization.id, Permission.ROLES_MANAGE, "Role");
  if (role.builtIn) throw userError(UserErrorCode.BUILT_IN_ROLE, `${role.name} is a built-in role and cannot be changed.`, ["id"]);
  return role;
}

/**
 * A role outranking the actor (holding permissions they lack) is theirs to touch only while nobody
 * holds it, since its holders are members they may not manage; and then only to narrow it to
 * permissions they hold, so that no change leaves a role above its author.
 */
async function requireMayManageRole(ctx: ServiceContext, role: Role, newPermissions: readonly Permission[] | null) {
  const beyond = await ctx.authz.permissionsBeyond(role.organization.id, role.permissions);
  if (!beyond.length) return;
  if (await ctx.em.count(Membership, { role: role.id })) {
    throw userError(
      UserErrorCode.FORBIDDEN,
      `Members who hold this role have permissions you do not (${beyond.join(", ")}); you cannot change or delete it.`,
      ["id"],
    );
  }
  if (!newPermissions) {
    throw userError(
      UserErrorCode.FORBIDDEN,
      `This role has permissions you do not hold (${beyond.join(", ")}); you can only narrow it to permissions you hold.`,
      ["id"],
    );
  }
}

export async function createRole(ctx: ServiceContext, { organizationId, name, description, permissions }: CreateRole): Promise<Role> {
  await ctx.authz.require(organizationId, Permission.ROLES_MANAGE);
  await requireHeldPermissions(ctx, organizationId, permissions);
  return conflictOnDuplicate(
    () =>
      commitChange(ctx, async (tx, record) => {
        if (await tx.count(Role, { organization: organizationId, name })) {
          throw userError(UserErrorCode.CONFLICT, DUPLICATE, ["name"]);
        }
        const role = tx.create(Role, {
          organization: organizationId,
          name,
          description: description ?? null,
          builtIn: null,
          permissions,
          createdAt: ctx.clock.now(),
        });
        record.change({
          action: AuditAction.ROLE_CREATED,
          organizationId,
          targetType: "Role",
          targetId: role.id,
          metadata: { name, permissions },
        });
        return role;
      }),
    DUPLICATE,
    ["name"],
  );
}

export async function updateRole(ctx: ServiceContext, changes: UpdateRole): Promise<Role> {
  const role = await manageableRole(ctx, changes.id);
  const organizationId = role.organization.id;
  await requireMayManageRole(ctx, role, changes.permissions ?? null);
  if (changes.permissions) await requireHeldPermissions(ctx, organizationId, changes.permissions);
  return conflictOnDuplicate(
    () =>
      commitChange(ctx, async (tx, record) => {
        if (changes.name && changes.name !== role.name && (await tx.count(Role, { organization: organizationId, name: changes.name }))) {
          throw userError(UserErrorCode.CONFLICT, DUPLICATE, ["name"]);
        }
        const before = { name: role.name, description: role.description, permissions: role.permissions };
        if (changes.name) role.name = changes.name;
        if (changes.description !== undefined) role.description = changes.description ?? null;
        if (changes.permissions) role.permissions = changes.permissions;
        tx.persist(role);
        record.change({
          action: AuditAction.ROLE_UPDATED,
          organizationId,
          targetType: "Role",
          targetId: role.id,
          metadata: { before, after: { name: role.name, description: role.description, permissions: role.permissions } },
        });
        if (changes.permissions) record.event(callerEvent(CallerEventType.ROLE_CHANGED, role.id));
        return role;
      }),
    DUPLICATE,
    ["name"],
  );
}

export async function deleteRole(ctx: ServiceContext, { id }: DeleteRole): Promise<string> {
  const role = await manageableRole(ctx, id);
  await requireMayManageRole(ctx, role, []);
  return commitChange(ctx, async (tx, record) => {
    const holders = await tx.count(Membership, { role: role.id });
    if (holders) {
      throw userError(UserErrorCode.ROLE_IN_USE, `${holders} member(s) hold this role; give them another role first.`, ["id"]);
    }
    await tx.nativeDelete(Role, { id: role.id });
    record.change({
      action: AuditAction.ROLE_DELETED,
      organizationId: role.organization.id,
      targetType: "Role",
      targetId: role.id,
      metadata: { name: role.name },
    });
    record.event(callerEvent(CallerEventType.ROLE_CHANGED, role.id));
    return role.id;
  });
}
