import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Permission } from "../auth/permission";
import { Connection, ConnectionArgs, pageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { idOfType, toGlobalId } from "../graphql/global-id";
import { MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { Membership } from "../members/membership.entity";
import { Role } from "../roles/role.entity";
import { Location } from "./location.entity";
import { Organization } from "./organization.entity";
import {
  CreateOrganizationInput,
  createOrganizationSchema,
  DeleteOrganizationInput,
  deleteOrganizationSchema,
  UpdateOrganizationInput,
  updateOrganizationSchema,
} from "./orgs.inputs";
import { createOrganization, deleteOrganization, readableOrganization, updateOrganization } from "./orgs.service";

const LocationConnection = Connection("Location", () => Location, "A page of an organisation's locations.");
const MembershipConnection = Connection("Membership", () => Membership, "A page of an organisation's members.");
const RoleConnection = Connection("Role", () => Role, "A page of an organisation's roles, built-in ones first.");

const OrganizationPayload = MutationPayload(
  "OrganizationPayload",
  "organization",
  () => Organization,
  "The organisation created or changed.",
);
const DeleteOrganizationPayload = MutationPayload(
  "DeleteOrganizationPayload",
  "deletedOrganizationId",
  () => ID,
  "The ID of the deleted organisation.",
);

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, { nullable: true, description: "An organisation you belong to; null for any other ID." })
  async organization(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext) {
    ctx.authz.requireActor();
    const organizationId = idOfType(id, "Organization");
    return organizationId ? readableOrganization(ctx, organizationId) : null;
  }

  @FieldResolver(() => LocationConnection)
  locations(@Root() organization: Organization, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return ctx.loaders.orgs.locationsOf.load(organization.id, pageRequest(args));
  }

  @FieldResolver(() => MembershipConnection)
  members(@Root() organization: Organization, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    // A platform key reaches organisations it provisions, but members' data is not for it to read.
    ctx.authz.requireActor();
    return ctx.loaders.members.membersOf.load(organization.id, pageRequest(args));
  }

  @FieldResolver(() => RoleConnection)
  roles(@Root() organization: Organization, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return ctx.loaders.roles.rolesOf.load(organization.id, pageRequest(args));
  }

  @FieldResolver(() => [Permission], { description: "What the signed-in user may do here." })
  async viewerPermissions(@Root() organization: Organization, @Ctx() ctx: RequestContext) {
    return [...(await ctx.authz.permissionsIn(organization.id))];
  }

  @Mutation(() => OrganizationPayload, { description: "Creates an organisation with the four built-in roles; you become its Owner." })
  createOrganization(@Arg("input", () => CreateOrganizationInput) input: CreateOrganizationInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => createOrganization(ctx, parseInput(createOrganizationSchema, input)),
      (organization) => ({ organization }),
    );
  }

  @Mutation(() => OrganizationPayload, { description: "Renames an organisation or changes its settings. Needs `org:manage`." })
  updateOrganization(@Arg("input", () => UpdateOrganizationInput) input: UpdateOrganizationInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => updateOrganization(ctx, parseInput(updateOrganizationSchema, input)),
      (organization) => ({ organization }),
    );
  }

  @Mutation(() => DeleteOrganizationPayload, { description: "Deletes an organisation and everything in it. Needs `org:delete`." })
  deleteOrganization(@Arg("input", () => DeleteOrganizationInput) input: DeleteOrganizationInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => deleteOrganization(ctx, parseInput(deleteOrganizationSchema, input)),
      (id) => ({ deletedOrganizationId: toGlobalId("Organization", id) }),
    );
  }
}
