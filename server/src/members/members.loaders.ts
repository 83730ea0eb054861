import type { EntityManager } from "@mikro-orm/postgresql";
import DataLoader from "dataloader";
import { byIdLoader } from "../graphql/by-id-loader";
import { childPagesLoader } from "../graphql/paged-query";
import type { Role } from "../roles/role.entity";
import { Membership } from "./membership.entity";

/** @param primeRole hands roles loaded alongside memberships to the roles loader, saving it a query. */
export function memberLoaders(em: EntityManager, primeRole: (role: Role) => void) {
  return {
    byId: byIdLoader(em, Membership),
    /** A user's memberships with their roles joined in: everything a permission check needs, in one statement. */
    ofUser: new DataLoader<string, Membership[]>(async (userIds) => {
      const rows = await em.find(Membership, { user: { $in: [...userIds] } }, { populate: ["role"], orderBy: { id: "asc" } });
      for (const row of rows) primeRole(row.role);
      return userIds.map((userId) => rows.filter((row) => row.user.id === userId));
    }),
    membersOf: childPagesLoader(em, Membership, "memberships", "organization_id"),
  };
}
