import type { EntityManager } from "@mikro-orm/postgresql";
import DataLoader from "dataloader";
import { byIdLoader } from "../graphql/by-id-loader";
import { childPagesLoader } from "../graphql/paged-query";
import { Membership } from "./membership.entity";

export function memberLoaders(em: EntityManager) {
  return {
    byId: byIdLoader(em, Membership),
    /** A user's memberships with their roles joined in: everything a permission check needs, in one statement. */
    ofUser: new DataLoader<string, Membership[]>(async (userIds) => {
      const rows = await em.find(
        Membership,
        { user: { $in: [...userIds] } },
        { populate: ["role"], orderBy: { id: "asc" } },
      );
      return userIds.map((userId) => rows.filter((row) => row.user.id === userId));
    }),
    membersOf: childPagesLoader(em, Membership, "memberships", "organization_id"),
  };
}
