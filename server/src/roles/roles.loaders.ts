import type { EntityManager } from "@mikro-orm/postgresql";
import { byIdLoader } from "../graphql/by-id-loader";
import { childPagesLoader } from "../graphql/paged-query";
import { Role } from "./role.entity";

export function roleLoaders(em: () => EntityManager) {
  return {
    byId: byIdLoader(em, Role),
    rolesOf: childPagesLoader(em, Role, "roles", "organization_id"),
  };
}
