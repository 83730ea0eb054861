import type { ResultOf } from "../graphql/tada";
import type { OrganizationRoles } from "./operations";

export type RolesResult = ResultOf<typeof OrganizationRoles>;
export type RolesOrganization = NonNullable<RolesResult["organization"]>;
export type OrganizationRole = RolesOrganization["roles"]["nodes"][number];
export type CatalogueEntry = RolesResult["permissionCatalogue"][number];
