import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import type { ServiceContext } from "../core/service-context";
import { conflictOnDuplicate } from "../db/errors";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, userError } from "../graphql/errors";
import { globalIdOf, nameSchema, parseInput } from "../graphql/validate";
import { Membership } from "../members/membership.entity";
import type { Organization } from "../orgs/organization.entity";
import { BUILT_IN_ROLES, BuiltInRole } from "./built-in-roles";
import { Role } from "./role.entity";

const permissionsSchema = z
  .array(z.nativeEnum(Permission))
  .max(Object.keys(Permission).length)
  .transform((permissions) => [...new Set([Permission.ORG_READ, ...permissions])]);

const createSchema = z.object({
  organizationId: globalIdOf("Organization"),
  name: nameSchema,
  description: z.string().trim().max(500).nullish(),
  permissions: permissionsSchema,
});

const updateSchema = z.object({
  id: globalIdOf("Role"),
  name: nameSchema.nullish(),
  description: z.string().trim().max(500).nullish(),
  permissions: permissionsSchema.nullish(),
});

const deleteSchema = z.object({ id: globalIdOf("Role") });

const DUPLICATE = "This organization already has a role with that name.";

/** The four built-in roles of a new organisation, created in the organisation's own transaction. */
export function seedBuiltInRoles(em: EntityManager, organization: Organization): Map<BuiltInRole, Role> {
  return new Map(
    BUILT_IN_ROLES.map((spec) => [
      spec.kind,
      em.create(Role, {
        organization,
        name: spec.name,
        description: spec.description,
        builtIn: spec.kind,
        permissions: [...spec.permissions],
        createdAt: new Date(),
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
async function manageableRole(ctx: RequestContext, id: string): Promise<Role> {
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
async function requireMayManageRole(ctx: RequestContext, role: Role, newPermissions: readonly Permission[] | null) {
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

export async function createRole(ctx: RequestContext, input: unknown): Promise<Role> {
  const { organizationId, name, description, permissions } = parseInput(createSchema, input);
  await ctx.authz.require(organizationId, Permission.ROLES_MANAGE);
  await requireHeldPermissions(ctx, organizationId, permissions);
  return conflictOnDuplicate(
    () =>
      ctx.em.transactional(async (em) => {
        if (await em.count(Role, { organization: organizationId, name })) {
          throw userError(UserErrorCode.CONFLICT, DUPLICATE, ["name"]);
        }
        const role = em.create(Role, {
          organization: organizationId,
          name,
          description: description ?? null,
          builtIn: null,
          permissions,
          createdAt: new Date(),
        });
        recordAudit(em, ctx, {
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

export async function updateRole(ctx: RequestContext, input: unknown): Promise<Role> {
  const changes = parseInput(updateSchema, input);
  const role = await manageableRole(ctx, changes.id);
  const organizationId = role.organization.id;
  await requireMayManageRole(ctx, role, changes.permissions ?? null);
  if (changes.permissions) await requireHeldPermissions(ctx, organizationId, changes.permissions);
  return conflictOnDuplicate(
    () =>
      ctx.em.transactional(async (em) => {
        if (changes.name && changes.name !== role.name && (await em.count(Role, { organization: organizationId, name: changes.name }))) {
          throw userError(UserErrorCode.CONFLICT, DUPLICATE, ["name"]);
        }
        const before = { name: role.name, description: role.description, permissions: role.permissions };
        if (changes.name) role.name = changes.name;
        if (changes.description !== undefined) role.description = changes.description ?? null;
        if (changes.permissions) role.permissions = changes.permissions;
        em.persist(role);
        recordAudit(em, ctx, {
          action: AuditAction.ROLE_UPDATED,
          organizationId,
          targetType: "Role",
          targetId: role.id,
          metadata: { before, after: { name: role.name, description: role.description, permissions: role.permissions } },
        });
        return role;
      }),
    DUPLICATE,
    ["name"],
  );
}

export async function deleteRole(ctx: RequestContext, input: unknown): Promise<string> {
  const { id } = parseInput(deleteSchema, input);
  const role = await manageableRole(ctx, id);
  await requireMayManageRole(ctx, role, []);
  return ctx.em.transactional(async (em) => {
    const holders = await em.count(Membership, { role: role.id });
    if (holders) {
      throw userError(UserErrorCode.ROLE_IN_USE, `${holders} member(s) hold this role; give them another role first.`, ["id"]);
    }
    await em.nativeDelete(Role, { id: role.id });
    recordAudit(em, ctx, {
      action: AuditAction.ROLE_DELETED,
      organizationId: role.organization.id,
      targetType: "Role",
      targetId: role.id,
      metadata: { name: role.name },
    });
    return role.id;
  });
}
