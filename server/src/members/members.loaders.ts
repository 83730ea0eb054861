import type { EntityManager } from "@mikro-orm/postgresql";
import DataLoader from "dataloader";
import type { CallerCache } from "../auth/caller-cache";
import { type CallerGrants, grantsFromTuples, loadGrants } from "../auth/caller-grants";
import { byIdLoader } from "../graphql/by-id-loader";
import { childPagesLoader } from "../graphql/paged-query";
import type { Role } from "../roles/role.entity";
import { Membership } from "./membership.entity";

/**
 * @param primeRole hands roles loaded alongside memberships to the roles loader, saving it a query.
 * @param callers the process's cache of callers, consulted (and filled) for users' grants.
 */
export function memberLoaders(em: () => EntityManager, primeRole: (role: Role) => void, callers: CallerCache | null) {
  const ofUser = new DataLoader<string, Membership[]>(async (userIds) => {
    const rows = await em().find(Membership, { user: { $in: [...userIds] } }, { populate: ["role"], orderBy: { id: "asc" } });
    for (const row of rows) primeRole(row.role);
    return userIds.map((userId) => rows.filter((row) => row.user.id === userId));
  });
  /** What each user may do where, for the authorizer: from the cache of callers, else one statement for every user missing. */
  const grantsOf = new DataLoader<string, CallerGrants>(async (userIds) => {
    const found = new Map<string, CallerGrants>();
    for (const userId of userIds) {
      const cached = callers?.grantsOf(userId);
      if (cached) found.set(userId, cached);
    }
    const missing = userIds.filter((userId) => !found.has(userId));
    if (missing.length) {
      const generation = callers?.generation ?? 0;
      for (const [userId, grants] of await loadGrants(em(), missing)) {
        callers?.rememberGrants(userId, grants, generation);
        found.set(userId, grants);
      }
    }
    return userIds.map((userId) => found.get(userId) ?? grantsFromTuples([]));
  });
  return {
    byId: byIdLoader(em, Membership),
    /** A user's memberships with their roles joined in, in one statement. */
    ofUser,
    grantsOf,
    /** Forgets what this request read of a user's memberships, after it changed them. */
    forgetUser(userId: string): void {
      ofUser.clear(userId);
      grantsOf.clear(userId);
    },
    membersOf: childPagesLoader(em, Membership, "memberships", "organization_id"),
  };
}
