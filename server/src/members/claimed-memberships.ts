import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditAction } from "../audit/audit-action";
import { commitChange, type Recorder } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { EventType } from "../events/events";
import { UserErrorsException } from "../graphql/errors";
import type { Logger } from "../observability/logger";
import { Organization } from "../orgs/organization.entity";
import { BuiltInRole } from "../roles/built-in-roles";
import { Role } from "../roles/role.entity";
import { recordMemberChange, requireAnotherOwner } from "./members.service";
import { Membership } from "./membership.entity";

/** One organisation (by its external ID) and the name of the role to hold in it. */
export interface ClaimedMembership {
  organization: string;
  role: string;
}

/**
 * Reads a membership claim in either documented form: an object `{ "<organisation external ID>":
 * "<role name>" }`, or an array `[{ "organization": "<external ID>", "role": "<role name>" }]`.
 * Null when it is neither (the whole claim is then ignored, with a warning).
 */
export function readMembershipClaim(value: unknown): ClaimedMembership[] | null {
  if (Array.isArray(value)) {
    const entries = value.map((entry) =>
      entry && typeof entry === "object" && typeof entry.organization === "string" && typeof entry.role === "string"
        ? { organization: entry.organization, role: entry.role }
        : null,
    );
    return entries.every((entry) => entry !== null) ? (entries as ClaimedMembership[]) : null;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    return entries.every(([, role]) => typeof role === "string")
      ? entries.map(([organization, role]) => ({ organization, role: role as string }))
      : null;
  }
  return null;
}

/**
 * Makes a user's memberships in organisations that have an external ID (those the host manages)
 * what the identity provider's claim lists: adds the missing ones, changes roles that differ, and
 * removes the ones no longer listed. Memberships in organisations without an external ID (made in
 * Latchkey itself) are never touched. An organisation or role the claim names but Latchkey lacks
 * is skipped with a warning, as is a change that would leave an organisation without an Owner.
 * Every change goes through the member events, in one transaction, as the system (no actor).
 */
export async function applyClaimedMemberships(
  ctx: ServiceContext,
  userId: string,
  claimed: ClaimedMembership[],
  { issuer, log }: { issuer: string; log: Logger },
): Promise<void> {
  const externalIds = [...new Set(claimed.map((entry) => entry.organization))];
  const organizations = externalIds.length ? await ctx.em.find(Organization, { externalId: { $in: externalIds } }) : [];
  const byExternalId = new Map(organizations.map((organization) => [organization.externalId, organization]));
  const roles = organizations.length
    ? await ctx.em.find(Role, { organization: { $in: organizations.map((organization) => organization.id) } })
    : [];
  const wanted = new Map<string, Role>();
  for (const entry of claimed) {
    const organization = byExternalId.get(entry.organization);
    const role = organization && findRole(roles, organization.id, entry.role);
    if (!organization || !role) {
      log.warn(
        { issuer, organization: entry.organization, role: entry.role, userId },
        organization ? "membership claim names an unknown role; skipped" : "membership claim names an unknown organisation; skipped",
      );
      continue;
    }
    wanted.set(organization.id, role);
  }
  await commitChange(ctx, async (tx, record) => {
    // Instances applying claims for one user at the same moment take turns, each reading what the
    // one before it wrote: without the lock two would add the same membership, or one change a role
    // the other is removing.
    await tx.execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", [`claimed-memberships:${userId}`]);
    const current = await tx.find(
      Membership,
      { user: userId, organization: { externalId: { $ne: null } } },
      { populate: ["role"], refresh: true },
    );
    const held = new Map(current.map((membership) => [membership.organization.id, membership]));
    for (const [organizationId, role] of wanted) {
      const membership = held.get(organizationId);
      if (!membership) add(tx, ctx, record, { userId, organizationId, role, issuer });
      else if (membership.role.id !== role.id) await changeRole(tx, record, membership, role, { issuer, log });
    }
    for (const membership of current) {
      if (!wanted.has(membership.organization.id)) await remove(tx, record, membership, { issuer, log });
    }
  });
}

/** A role of the organisation by name: exactly, else ignoring case (`developer` finds Developer). */
function findRole(roles: Role[], organizationId: string, name: string): Role | undefined {
  const own = roles.filter((role) => role.organization.id === organizationId);
  return own.find((role) => role.name === name) ?? own.find((role) => role.name.toLowerCase() === name.toLowerCase());
}

function add(
  tx: EntityManager,
  ctx: ServiceContext,
  record: Recorder,
  { userId, organizationId, role, issuer }: { userId: string; organizationId: string; role: Role; issuer: string },
) {
  const membership = tx.create(Membership, { user: userId, organization: organizationId, role, createdAt: ctx.clock.now() });
  recordMemberChange(record, membership, {
    action: AuditAction.MEMBER_ADDED,
    type: EventType.MEMBER_ADDED,
    metadata: { userId, role: role.name, claimedBy: issuer },
    details: { role: role.name },
  });
}

async function changeRole(
  tx: EntityManager,
  record: Recorder,
  membership: Membership,
  role: Role,
  { issuer, log }: { issuer: string; log: Logger },
) {
  if (!(await keepsAnOwner(tx, membership, role, { issuer, log }))) return;
  const previousRoleId = membership.role.id;
  membership.role = role;
  recordMemberChange(record, membership, {
    action: AuditAction.MEMBER_ROLE_CHANGED,
    type: EventType.MEMBER_ROLE_CHANGED,
    metadata: { userId: membership.user.id, fromRoleId: previousRoleId, toRoleId: role.id, toRole: role.name, claimedBy: issuer },
    details: { role: role.name },
  });
}

async function remove(tx: EntityManager, record: Recorder, membership: Membership, { issuer, log }: { issuer: string; log: Logger }) {
  if (!(await keepsAnOwner(tx, membership, null, { issuer, log }))) return;
  await tx.nativeDelete(Membership, { id: membership.id });
  recordMemberChange(record, membership, {
    action: AuditAction.MEMBER_REMOVED,
    type: EventType.MEMBER_REMOVED,
    metadata: { userId: membership.user.id, leftThemselves: false, claimedBy: issuer },
    details: { leftThemselves: false },
  });
}

/** An organisation keeps its last Owner whatever a claim says (the same rule as for people). */
async function keepsAnOwner(
  tx: EntityManager,
  membership: Membership,
  newRole: Role | null,
  { issuer, log }: { issuer: string; log: Logger },
) {
  if (newRole?.builtIn === BuiltInRole.OWNER) return true;
  try {
    await requireAnotherOwner(tx, membership);
    return true;
  } catch (error) {
    if (!(error instanceof UserErrorsException)) throw error;
    log.warn({ issuer, membershipId: membership.id }, "membership claim would remove an organisation's last Owner; skipped");
    return false;
  }
}
