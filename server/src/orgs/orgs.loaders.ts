import type { EntityManager } from "@mikro-orm/postgresql";
import DataLoader from "dataloader";
import { coalescedRowsById } from "../db/coalesced-reads";
import type { StatementSource } from "../db/prepared-rows";
import { byIdLoader } from "../graphql/by-id-loader";
import { childPagesLoader } from "../graphql/paged-query";
import { Location } from "./location.entity";
import { Organization } from "./organization.entity";
import { ORGANIZATIONS_BY_ID, type OrganizationRow, organizationToRead } from "./organization-read";

/** An `organizations` row, every column, with the size of its location list. */
type OrganizationEntityRow = Record<string, unknown> & { id: string; location_count: number };

export function orgLoaders(em: () => EntityManager, statements: StatementSource) {
  const locationsOf = childPagesLoader(em, Location, "locations", "organization_id");
  return {
    /**
     * Organisations to read (GraphQL answers) by ID, each with its location count in the same
     * statement: a frontend's `organization(id) { name locations { totalCount } }` is then one
     * statement for its data, shared with the same read of other requests in the same turn
     * (coalescedRowsById). Read-only instances (see organizationToRead).
     */
    toRead: new DataLoader<string, Organization | null>(async (ids) => {
      const rows = await coalescedRowsById<OrganizationRow>(statements, ORGANIZATIONS_BY_ID, ids);
      const byId = new Map<string, Organization>();
      for (const row of rows) {
        byId.set(row.id, organizationToRead(row));
        locationsOf.primeCount(row.id, row.location_count);
      }
      return ids.map((id) => byId.get(id) ?? null);
    }),
    /** Organisations as entities, for services that change them or hand them to other entities. */
    byId: new DataLoader<string, Organization | null>(async (ids) => {
      const rows = await em()
        .getConnection()
        .execute<OrganizationEntityRow[]>(
          `select o.*, (select count(*) from locations l where l.organization_id = o.id)::int as location_count
         from organizations o where o.id in (${ids.map(() => "?").join(", ")})`,
          [...ids],
        );
      const byId = new Map<string, Organization>();
      for (const { location_count: locationCount, ...columns } of rows) {
        byId.set(columns.id, em().map(Organization, columns));
        locationsOf.primeCount(columns.id, locationCount);
      }
      return ids.map((id) => byId.get(id) ?? null);
    }),
    locationById: byIdLoader(em, Location),
    locationsOf,
  };
}
