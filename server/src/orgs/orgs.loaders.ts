import type { EntityManager } from "@mikro-orm/postgresql";
import { byIdLoader } from "../graphql/by-id-loader";
import { childPagesLoader } from "../graphql/paged-query";
import { Location } from "./location.entity";
import { Organization } from "./organization.entity";

export function orgLoaders(em: EntityManager) {
  return {
    byId: byIdLoader(em, Organization),
    locationById: byIdLoader(em, Location),
    locationsOf: childPagesLoader(em, Location, "locations", "organization_id"),
  };
}
