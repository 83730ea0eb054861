import { Extensions, Field, ObjectType, Query, Resolver } from "type-graphql";
import { listMaximum } from "../graphql/operation-cost";
import { ALL_PERMISSIONS, PERMISSION_DESCRIPTIONS, Permission } from "./permission";

@ObjectType({ description: "One permission of the catalogue custom roles choose from, with what it allows." })
export class PermissionDescription {
  @Field(() => Permission)
  permission!: Permission;

  @Field(() => String, { description: "The value stored and shown in the audit log, such as `keys:create`." })
  value!: string;

  @Field(() => String, { description: "What the permission allows, in words for people." })
  description!: string;
}

const CATALOGUE: readonly PermissionDescription[] = ALL_PERMISSIONS.map((permission) => ({
  permission,
  value: permission,
  description: PERMISSION_DESCRIPTIONS[permission],
}));

@Resolver()
export class PermissionCatalogueResolver {
  @Query(() => [PermissionDescription], {
    description: "Every permission a role can grant, in catalogue order, with what it allows. The same for everyone.",
  })
  // As long as the catalogue: the operation cost rule multiplies by it (see operation-cost).
  @Extensions(listMaximum(ALL_PERMISSIONS.length))
  permissionCatalogue(): readonly PermissionDescription[] {
    return CATALOGUE;
  }
}
