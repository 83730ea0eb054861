import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { emailSchema } from "../auth/auth.service";
import { Permission } from "../auth/permission";
import { conflictOnDuplicate } from "../db/errors";
import { EventType, publishEvent } from "../events/events";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, userError } from "../graphql/errors";
import { toGlobalId } from "../graphql/global-id";
import { globalIdOf, parseInput } from "../graphql/validate";
import { BuiltInRole } from "../roles/built-in-roles";
import type { Role } from "../roles/role.entity";
import { requireHeldPermissions } from "../roles/roles.service";
import { User } from "../users/user.entity";
import { Membership } from "./membership.entity";

const addSchema = z.object({ organizationId: globalIdOf("Organization"), email: emailSchema, roleId: globalIdOf("Role") });
const changeRoleSchema = z.object({ membershipId: globalIdOf("Membership"), roleId: globalIdOf("Role") });
const removeSchema = z.object({ membershipId: globalIdOf("Membership") });

const ALREADY_MEMBER = "This person is already a member of the organization.";

/** A role of this very organisation; role IDs from elsewhere are simply not found. */
async function roleOf(ctx: RequestContext, organizationId: string, roleId: string): Promise<Role> {
  const role = await ctx.loaders.roles.byId.load(roleId);
  if (!role || role.organization.id !== organizationId) throw userError(UserErrorCode.NOT_FOUND, "Role not found.", ["roleId"]);
  return role;
}

async function membershipToManage(ctx: RequestContext, membershipId: string): Promise<Membership> {
  const membership = await ctx.loaders.members.byId.load(membershipId);
  if (!membership) throw userError(UserErrorCode.NOT_FOUND, "Membership not found.", ["membershipId"]);
  await ctx.authz.require(membership.organization.id, Permission.MEMBERS_MANAGE, "Membership");
  return membership;
}

/** Nobody may act on a member whose role holds powers they lack (an Admin cannot demote an Owner). */
async function requireMayManage(ctx: RequestContext, membership: Membership) {
  const role = await ctx.loaders.roles.byId.load(membership.role.id);
  const beyond = await ctx.authz.permissionsBeyond(membership.organization.id, role?.permissions ?? []);
  if (beyond.length) {
    throw userError(
      UserErrorCode.FORBIDDEN,
      `This member has permissions you do not (${beyond.join(", ")}); you cannot change their role or remove them.`,
      ["membershipId"],
    );
  }
}

/** An organisation always keeps at least one Owner. Counted inside the transaction, under a row lock. */
async function requireAnotherOwner(em: EntityManager, membership: Membership) {
  const owners = await em.find(
    Membership,
    { organization: membership.organization.id, role: { builtIn: BuiltInRole.OWNER } },
    { fields: ["id"], lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (owners.some((owner) => owner.id === membership.id) && owners.length === 1) {
    throw userError(UserErrorCode.LAST_OWNER, "This is the organization's last Owner; appoint another Owner first.", ["membershipId"]);
  }
}

export async function addMember(ctx: RequestContext, input: unknown): Promise<Membership> {
  const { organizationId, email, roleId } = parseInput(addSchema, input);
  await ctx.authz.require(organizationId, Permission.MEMBERS_MANAGE);
  const role = await roleOf(ctx, organizationId, roleId);
  await requireHeldPermissions(ctx, organizationId, role.permissions);
  const user = await ctx.em.findOne(User, { email });
  if (!user) {
    throw userError(UserErrorCode.NOT_FOUND, "No Latchkey account uses this email; ask them to sign up first.", ["email"]);
  }
  const membership = await conflictOnDuplicate(
    () =>
      ctx.em.transactional(async (em) => {
        if (await em.count(Membership, { user, organization: organizationId })) {
          throw userError(UserErrorCode.CONFLICT, ALREADY_MEMBER, ["email"]);
        }
        const membership = em.create(Membership, { user, organization: organizationId, role, createdAt: new Date() });
        recordAudit(em, ctx, {
          action: AuditAction.MEMBER_ADDED,
          organizationId,
          targetType: "Membership",
          targetId: membership.id,
          metadata: { userId: user.id, email, role: role.name },
        });
        publishMemberEvent(em, EventType.MEMBER_ADDED, organizationId, membership.id, user.id, { role: role.name });
        return membership;
      }),
    ALREADY_MEMBER,
    ["email"],
  );
  ctx.loaders.members.ofUser.clear(user.id);
  return membership;
}

export async function changeMemberRole(ctx: RequestContext, input: unknown): Promise<Membership> {
  const { membershipId, roleId } = parseInput(changeRoleSchema, input);
  const membership = await membershipToManage(ctx, membershipId);
  const organizationId = membership.organization.id;
  const role = await roleOf(ctx, organizationId, roleId);
  await requireMayManage(ctx, membership);
  await requireHeldPermissions(ctx, organizationId, role.permissions);
  const previousRoleId = membership.role.id;
  if (previousRoleId === role.id) return membership;
  const result = await ctx.em.transactional(async (em) => {
    if (role.builtIn !== BuiltInRole.OWNER) await requireAnotherOwner(em, membership);
    membership.role = role;
    em.persist(membership);
    recordAudit(em, ctx, {
      action: AuditAction.MEMBER_ROLE_CHANGED,
      organizationId,
      targetType: "Membership",
      targetId: membership.id,
      metadata: { userId: membership.user.id, fromRoleId: previousRoleId, toRoleId: role.id, toRole: role.name },
    });
    publishMemberEvent(em, EventType.MEMBER_ROLE_CHANGED, organizationId, membership.id, membership.user.id, { role: role.name });
    return membership;
  });
  ctx.loaders.members.ofUser.clear(membership.user.id);
  return result;
}

/** Managers remove others; anyone may leave an organisation themselves (unless they are its last Owner). */
export async function removeMember(ctx: RequestContext, input: unknown): Promise<string> {
  const { membershipId } = parseInput(removeSchema, input);
  const actor = ctx.authz.requireActor();
  const membership = await ctx.loaders.members.byId.load(membershipId);
  // Leaving is a person's own act; a key mapped to that person cannot do it for them.
  const leavingThemselves = membership?.user.id === actor.userId && !actor.key;
  if (!membership || !leavingThemselves) {
    const managed = await membershipToManage(ctx, membershipId);
    await requireMayManage(ctx, managed);
  }
  const target = membership!;
  await ctx.em.transactional(async (em) => {
    await requireAnotherOwner(em, target);
    await em.nativeDelete(Membership, { id: target.id });
    recordAudit(em, ctx, {
      action: AuditAction.MEMBER_REMOVED,
      organizationId: target.organization.id,
      targetType: "Membership",
      targetId: target.id,
      metadata: { userId: target.user.id, leftThemselves: leavingThemselves },
    });
    publishMemberEvent(em, EventType.MEMBER_REMOVED, target.organization.id, target.id, target.user.id, {
      leftThemselves: leavingThemselves,
    });
  });
  ctx.loaders.members.ofUser.clear(target.user.id);
  return target.id;
}

/** Announces a membership change to event consumers (webhooks) in the change's transaction. */
function publishMemberEvent(
  em: EntityManager,
  type: EventType,
  organizationId: string,
  membershipId: string,
  userId: string,
  details: Record<string, unknown>,
) {
  publishEvent(em, {
    type,
    organizationId,
    subjectId: membershipId,
    payload: {
      membershipId: toGlobalId("Membership", membershipId),
      organizationId: toGlobalId("Organization", organizationId),
      userId: toGlobalId("User", userId),
      ...details,
    },
  });
}
