import { AuditAction } from "../audit/audit-action";
import { commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { conflictOnDuplicate } from "../db/errors";
import { UserErrorCode, userError } from "../graphql/errors";
import { deleteMembership, insertMembership, setMemberRole } from "../members/members.service";
import { Membership } from "../members/membership.entity";
import { Role } from "../roles/role.entity";
import { User } from "../users/user.entity";
import { UserIdentity } from "../users/user-identity.entity";
import { createOrAdopt } from "./create-or-adopt";
import { provisionedOrganization } from "./provisioned-orgs.service";
import type { RemoveMembership, UpsertMembership, UpsertUser } from "./provisioning.inputs";

/**
 * A provisioned user never takes over an account by its email: the host's identity provider would
 * then sign in as someone who signed up on their own.
 */
const EMAIL_TAKEN = "Another Latchkey account already uses this email.";

/** The user provisioned (or signed in) with this identity, for the platform only; null for anyone else. */
export async function userByExternalId(ctx: ServiceContext, issuer: string, externalId: string): Promise<User | null> {
  if (!ctx.actor?.platform) return null;
  const identity = await ctx.em.findOne(UserIdentity, { issuer, subject: externalId }, { populate: ["user"] });
  return identity?.user ?? null;
}

async function provisionedUser(ctx: ServiceContext, issuer: string, externalId: string): Promise<User> {
  const identity = await ctx.em.findOne(UserIdentity, { issuer, subject: externalId }, { populate: ["user"] });
  if (!identity) throw userError(UserErrorCode.NOT_FOUND, "No user has this external ID at this issuer.", ["userExternalId"]);
  return identity.user;
}

/** Refuses an email that belongs to an account other than `userId`'s. */
async function requireEmailFree(ctx: ServiceContext, email: string, userId: string | null) {
  const holder = await ctx.em.findOne(User, { email }, { fields: ["id"] });
  if (holder && holder.id !== userId) throw userError(UserErrorCode.CONFLICT, EMAIL_TAKEN, ["email"]);
}

async function createUser(ctx: ServiceContext, { externalId, issuer, email, name }: UpsertUser): Promise<User> {
  await requireEmailFree(ctx, email, null);
  return commitChange(ctx, async (tx, record) => {
    const user = tx.create(User, { email, name, createdAt: ctx.clock.now() });
    tx.create(UserIdentity, { user, issuer, subject: externalId, createdAt: ctx.clock.now() });
    record.change({
      action: AuditAction.USER_PROVISIONED,
      organizationId: null,
      targetType: "User",
      targetId: user.id,
      metadata: { issuer, externalId },
    });
    return user;
  });
}

async function updateUser(ctx: ServiceContext, user: User, { email, name }: UpsertUser): Promise<User> {
  if (user.email === email && user.name === name) return user;
  await requireEmailFree(ctx, email, user.id);
  return conflictOnDuplicate(
    () =>
      commitChange(ctx, async (tx, record) => {
        const changes = {
          ...(user.email !== email ? { email: { from: user.email, to: email } } : {}),
          ...(user.name !== name ? { name: { from: user.name, to: name } } : {}),
        };
        user.email = email;
        user.name = name;
        tx.persist(user);
        record.change({
          action: AuditAction.USER_UPDATED,
          organizationId: null,
          targetType: "User",
          targetId: user.id,
          metadata: { changes },
        });
        return user;
      }),
    EMAIL_TAKEN,
    ["email"],
  );
}

/**
 * Creates the user (no password: they sign in through the host's identity provider) with their
 * identity (issuer, subject = external ID), or changes their email and name; the same input twice
 * changes nothing. An email that belongs to another account is refused.
 */
export async function upsertUser(ctx: ServiceContext, input: UpsertUser): Promise<User> {
  ctx.authz.requirePlatform();
  const update = async () => {
    const identity = await ctx.em.findOne(UserIdentity, { issuer: input.issuer, subject: input.externalId }, { populate: ["user"] });
    return identity ? updateUser(ctx, identity.user, input) : null;
  };
  return (
    (await update()) ??
    createOrAdopt(
      () => createUser(ctx, input),
      update,
      () => userError(UserErrorCode.CONFLICT, EMAIL_TAKEN, ["email"]),
    )
  );
}

/** A role of the organisation by name, else by built-in kind (`ADMIN`). */
async function namedRole(ctx: ServiceContext, organizationId: string, name: string): Promise<Role> {
  const roles = await ctx.em.find(Role, { organization: organizationId });
  const role = roles.find((candidate) => candidate.name === name) ?? roles.find((candidate) => candidate.builtIn === name);
  if (!role) throw userError(UserErrorCode.NOT_FOUND, "The organization has no role of this name.", ["role"]);
  return role;
}

/** Adds the membership or changes its role, through the members service (audit, events, caches); the same input twice changes nothing. */
export async function upsertMembership(ctx: ServiceContext, input: UpsertMembership): Promise<Membership> {
  ctx.authz.requirePlatform();
  const organization = await provisionedOrganization(ctx, input.organizationExternalId, "organizationExternalId");
  const user = await provisionedUser(ctx, input.issuer, input.userExternalId);
  const role = await namedRole(ctx, organization.id, input.role);
  const update = async () => {
    const existing = await ctx.em.findOne(Membership, { user, organization });
    return existing ? setMemberRole(ctx, existing, role) : null;
  };
  return (
    (await update()) ??
    createOrAdopt(
      () => insertMembership(ctx, { user, organizationId: organization.id, role, field: "userExternalId" }),
      update,
      () => userError(UserErrorCode.CONFLICT, "Another request changed this membership at the same moment; send the same input again."),
    )
  );
}

/** Removes the membership (not the organisation's last Owner); null when there was none. */
export async function removeMembership(ctx: ServiceContext, input: RemoveMembership): Promise<string | null> {
  ctx.authz.requirePlatform();
  const organization = await provisionedOrganization(ctx, input.organizationExternalId, "organizationExternalId");
  const user = await provisionedUser(ctx, input.issuer, input.userExternalId);
  const membership = await ctx.em.findOne(Membership, { user, organization });
  if (!membership) return null;
  await deleteMembership(ctx, membership, false);
  return membership.id;
}
