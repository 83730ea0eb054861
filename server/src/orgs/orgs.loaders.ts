import type { EntityManager } from "@mikro-orm/postgresql";
import DataLoader from "dataloader";
import { byIdLoader } from "../graphql/by-id-loader";
import { childPagesLoader } from "../graphql/paged-query";
import { Location } from "./location.entity";
import { Organization } from "./organization.entity";

/** An `organizations` row with the size of its location list. */
type OrganizationRow = Record<string, unknown> & { id: string; location_count: number };

export function orgLoaders(em: EntityManager) {
  const locationsOf = childPagesLoader(em, Location, "locations", "organization_id");
  return {
    /**
     * Organisations by ID, each with its location count in the same statement: a frontend's
     * `organization(id) { name locations { totalCount } }` is then one statement for its data.
     */
    byId: new DataLoader<string, Organization | null>(async (ids) => {
      const rows = await em.getConnection().execute<OrganizationRow[]>(
        `select o.*, (select count(*) from locations l where l.organization_id = o.id)::int as location_count
         from organizations o where o.id in (${ids.map(() => "?").join(", ")})`,
        [...ids],
      );
      const byId = new Map<string, Organization>();
      for (const { location_count: locationCount, ...columns } of rows) {
        byId.set(columns.id, em.map(Organization, columns));
        locationsOf.primeCount(columns.id, locationCount);
      }
      return ids.map((id) => byId.get(id) ?? null);
    }),
    locationById: byIdLoader(em, Location),
    locationsOf,
  };
}
