import { Permission } from "../auth/permission";
import type { ServiceContext } from "../core/service-context";
import type { Membership } from "../members/membership.entity";

/** The longest `User.memberships` list; the query cost counts it as this long. */
export const MAX_MEMBERSHIPS_LISTED = 100;

/**
 * Another member's memberships would reveal which other organisations they belong to; show only
 * those in organisations the viewer can read too.
 */
export async function visibleMembershipsOf(ctx: ServiceContext, userId: string): Promise<Membership[]> {
  const memberships = await ctx.loaders.members.ofUser.load(userId);
  // A key sees only its own organisation, even among its mapped user's memberships.
  if (userId === ctx.actor?.userId && !ctx.actor.key) return memberships.slice(0, MAX_MEMBERSHIPS_LISTED);
  const visible = await Promise.all(memberships.map((membership) => ctx.authz.can(membership.organization.id, Permission.ORG_READ)));
  return memberships.filter((_, index) => visible[index]).slice(0, MAX_MEMBERSHIPS_LISTED);
}
