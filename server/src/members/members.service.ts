import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditAction } from "../audit/audit-action";
import type { UserActor } from "../auth/actor";
import { Permission } from "../auth/permission";
import { type Change, callerEvent, commitChange, type Recorder } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { conflictOnDuplicate } from "../db/errors";
import { CallerEventType, EventType } from "../events/events";
import { UserErrorCode, userError } from "../graphql/errors";
import { BuiltInRole } from "../roles/built-in-roles";
import type { Role } from "../roles/role.entity";
import { requireHeldPermissions } from "../roles/roles.service";
import { User } from "../users/user.entity";
import type { AddMember, ChangeMemberRole, RemoveMember } from "./members.inputs";
import { Membership } from "./membership.entity";

const ALREADY_MEMBER = "This person is already a member of the organization.";

/** A role of this very organisation; role IDs from elsewhere are simply not found. */
async function roleOf(ctx: ServiceContext, organizationId: string, roleId: string): Promise<Role> {
  const role = await ctx.loaders.roles.byId.load(roleId);
  if (!role || role.organization.id !== organizationId) throw userError(UserErrorCode.NOT_FOUND, "Role not found.", ["roleId"]);
  return role;
}

async function membershipToManage(ctx: ServiceContext, membershipId: string): Promise<Membership> {
  const membership = await ctx.loaders.members.byId.load(membershipId);
  if (!membership) throw userError(UserErrorCode.NOT_FOUND, "Membership not found.", ["membershipId"]);
  await ctx.authz.require(membership.organization.id, Permission.MEMBERS_MANAGE, "Membership");
  return membership;
}

/**
 * The permissions a member's role holds that the actor lacks. Nobody may act on a member for whom this
 * is not empty (an Admin cannot demote an Owner); `viewerCan` on a membership asks the same.
 */
export async function memberPermissionsBeyondActor(ctx: ServiceContext, membership: Membership): Promise<Permission[]> {
  const role = await ctx.loaders.roles.byId.load(membership.role.id);
  return ctx.authz.permissionsBeyond(membership.organization.id, role?.permissions ?? []);
}

async function requireMayManage(ctx: ServiceContext, membership: Membership) {
  const beyond = await memberPermissionsBeyondActor(ctx, membership);
  if (beyond.length) {
    throw userError(
      UserErrorCode.FORBIDDEN,
      `This member has permissions you do not (${beyond.join(", ")}); you cannot change their role or remove them.`,
      ["membershipId"],
    );
  }
}

/** An organisation always keeps at least one Owner. Counted inside the transaction, under a row lock. */
export async function requireAnotherOwner(em: EntityManager, membership: Membership) {
  const owners = await em.find(
    Membership,
    { organization: membership.organization.id, role: { builtIn: BuiltInRole.OWNER } },
    { fields: ["id"], lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (owners.some((owner) => owner.id === membership.id) && owners.length === 1) {
    throw userError(UserErrorCode.LAST_OWNER, "This is the organization's last Owner; appoint another Owner first.", ["membershipId"]);
  }
}

export async function addMember(ctx: ServiceContext, { organizationId, email, roleId }: AddMember): Promise<Membership> {
  await ctx.authz.require(organizationId, Permission.MEMBERS_MANAGE);
  const role = await roleOf(ctx, organizationId, roleId);
  await requireHeldPermissions(ctx, organizationId, role.permissions);
  const user = await ctx.em.findOne(User, { email });
  if (!user) {
    throw userError(UserErrorCode.NOT_FOUND, "No Latchkey account uses this email; ask them to sign up first.", ["email"]);
  }
  return insertMembership(ctx, { user, organizationId, role, field: "email" });
}

/** Adds a member with a role, announcing `member.added`; callers check who may. */
export async function insertMembership(
  ctx: ServiceContext,
  { user, organizationId, role, field }: { user: User; organizationId: string; role: Role; field: string },
): Promise<Membership> {
  const membership = await conflictOnDuplicate(
    () =>
      commitChange(ctx, async (tx, record) => {
        if (await tx.count(Membership, { user, organization: organizationId })) {
          throw userError(UserErrorCode.CONFLICT, ALREADY_MEMBER, [field]);
        }
        const membership = tx.create(Membership, { user, organization: organizationId, role, createdAt: ctx.clock.now() });
        recordMemberChange(record, membership, {
          action: AuditAction.MEMBER_ADDED,
          type: EventType.MEMBER_ADDED,
          metadata: { userId: user.id, email: user.email, role: role.name },
          details: { role: role.name },
        });
        return membership;
      }),
    ALREADY_MEMBER,
    [field],
  );
  ctx.loaders.members.forgetUser(user.id);
  return membership;
}

export async function changeMemberRole(ctx: ServiceContext, { membershipId, roleId }: ChangeMemberRole): Promise<Membership> {
  const membership = await membershipToManage(ctx, membershipId);
  const organizationId = membership.organization.id;
  const role = await roleOf(ctx, organizationId, roleId);
  await requireMayManage(ctx, membership);
  await requireHeldPermissions(ctx, organizationId, role.permissions);
  return setMemberRole(ctx, membership, role);
}

/**
 * Gives a member another role, announcing `member.role_changed`; the last Owner cannot be demoted.
 * No change when the role is the same. Callers check who may.
 */
export async function setMemberRole(ctx: ServiceContext, membership: Membership, role: Role): Promise<Membership> {
  const previousRoleId = membership.role.id;
  if (previousRoleId === role.id) return membership;
  const result = await commitChange(ctx, async (tx, record) => {
    if (role.builtIn !== BuiltInRole.OWNER) await requireAnotherOwner(tx, membership);
    membership.role = role;
    tx.persist(membership);
    recordMemberChange(record, membership, {
      action: AuditAction.MEMBER_ROLE_CHANGED,
      type: EventType.MEMBER_ROLE_CHANGED,
      metadata: { userId: membership.user.id, fromRoleId: previousRoleId, toRoleId: role.id, toRole: role.name },
      details: { role: role.name },
    });
    return membership;
  });
  ctx.loaders.members.forgetUser(membership.user.id);
  return result;
}

/** Leaving is a person's own act; a key mapped to that person cannot do it for them. */
export function isLeavingThemselves(actor: UserActor, membership: Membership): boolean {
  return membership.user.id === actor.userId && !actor.key;
}

/** Managers remove others; anyone may leave an organisation themselves (unless they are its last Owner). */
export async function removeMember(ctx: ServiceContext, { membershipId }: RemoveMember): Promise<string> {
  const actor = ctx.authz.requireActor();
  const membership = await ctx.loaders.members.byId.load(membershipId);
  const leavingThemselves = !!membership && isLeavingThemselves(actor, membership);
  const target = leavingThemselves && membership ? membership : await membershipToManage(ctx, membershipId);
  if (!leavingThemselves) await requireMayManage(ctx, target);
  await deleteMembership(ctx, target, leavingThemselves);
  return target.id;
}

/** Removes a membership, announcing `member.removed`; the last Owner cannot go. Callers check who may. */
export async function deleteMembership(ctx: ServiceContext, target: Membership, leavingThemselves: boolean): Promise<void> {
  await commitChange(ctx, async (tx, record) => {
    await requireAnotherOwner(tx, target);
    await tx.nativeDelete(Membership, { id: target.id });
    recordMemberChange(record, target, {
      action: AuditAction.MEMBER_REMOVED,
      type: EventType.MEMBER_REMOVED,
      metadata: { userId: target.user.id, leftThemselves: leavingThemselves },
      details: { leftThemselves: leavingThemselves },
    });
  });
  ctx.loaders.members.forgetUser(target.user.id);
}

export type MemberChange = { action: AuditAction; type: EventType; metadata: Record<string, unknown>; details: Record<string, unknown> };

/**
 * Records a membership change and the caller event that makes every instance forget the member's
 * cached permissions (and keys' checks, which carry them).
 */
export function recordMemberChange(record: Recorder, membership: Membership, change: MemberChange) {
  record.change(memberChange(membership, change));
  record.event(callerEvent(CallerEventType.USER_CHANGED, membership.user.id));
}

/**
 * A membership change: its audit entry, with `metadata`, and the event announcing it to event
 * consumers (webhooks), whose payload carries the membership's IDs and `details`.
 */
function memberChange(membership: Membership, change: MemberChange): Change {
  const organizationId = membership.organization.id;
  return {
    action: change.action,
    organizationId,
    targetType: "Membership",
    targetId: membership.id,
    metadata: change.metadata,
    event: {
      type: change.type,
      payload: {
        membershipId: membership.id,
        organizationId,
        userId: membership.user.id,
        ...change.details,
      },
    },
  };
}
