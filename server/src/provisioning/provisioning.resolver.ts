import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { unauthenticated } from "../graphql/errors";
import { toGlobalId } from "../graphql/global-id";
import { MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { Membership } from "../members/membership.entity";
import { Location } from "../orgs/location.entity";
import { Organization } from "../orgs/organization.entity";
import { User } from "../users/user.entity";
import {
  deleteLocationByExternalId,
  deleteOrganizationByExternalId,
  organizationByExternalId,
  upsertLocation,
  upsertOrganization,
} from "./provisioned-orgs.service";
import { removeMembership, upsertMembership, upsertUser, userByExternalId } from "./provisioned-users.service";
import {
  DeleteLocationByExternalIdInput,
  DeleteOrganizationByExternalIdInput,
  locationByExternalIdSchema,
  organizationByExternalIdSchema,
  RemoveMembershipInput,
  removeMembershipSchema,
  UpsertLocationInput,
  UpsertMembershipInput,
  UpsertOrganizationInput,
  UpsertUserInput,
  upsertLocationSchema,
  upsertMembershipSchema,
  upsertOrganizationSchema,
  upsertUserSchema,
} from "./provisioning.inputs";

const PLATFORM_ONLY = "Needs a platform key (`latchkey platform-key create`); the same input twice changes nothing.";

const UpsertOrganizationPayload = MutationPayload(
  "UpsertOrganizationPayload",
  "organization",
  () => Organization,
  "The organisation created or found.",
);
const UpsertLocationPayload = MutationPayload("UpsertLocationPayload", "location", () => Location, "The location created or found.");
const UpsertUserPayload = MutationPayload("UpsertUserPayload", "user", () => User, "The user created or found.");
const UpsertMembershipPayload = MutationPayload(
  "UpsertMembershipPayload",
  "membership",
  () => Membership,
  "The membership created or found.",
);
const RemoveMembershipPayload = MutationPayload(
  "RemoveMembershipPayload",
  "removedMembershipId",
  () => ID,
  "The ID of the removed membership; null when there was none.",
);
const DeleteOrganizationByExternalIdPayload = MutationPayload(
  "DeleteOrganizationByExternalIdPayload",
  "deletedOrganizationId",
  () => ID,
  "The ID of the deleted organisation; null when there was none.",
);
const DeleteLocationByExternalIdPayload = MutationPayload(
  "DeleteLocationByExternalIdPayload",
  "deletedLocationId",
  () => ID,
  "The ID of the deleted location; null when there was none.",
);

const globalIdOrNull = (typeName: string) => (id: string | null) => (id ? toGlobalId(typeName, id) : null);

/** Provisioning by external ID, for the host product's backend with its platform key. */
@Resolver()
export class ProvisioningResolver {
  @Query(() => Organization, {
    nullable: true,
    description: "An organisation by the host's tenant ID: for a platform key any of them, for others only one they belong to.",
  })
  organizationByExternalId(@Arg("externalId", () => String) externalId: string, @Ctx() ctx: RequestContext) {
    if (!ctx.actor) throw unauthenticated();
    return organizationByExternalId(ctx, externalId);
  }

  @Query(() => User, {
    nullable: true,
    description: "A user by the host's user ID at its identity provider. For a platform key only; null for anyone else.",
  })
  userByExternalId(
    @Arg("issuer", () => String) issuer: string,
    @Arg("externalId", () => String) externalId: string,
    @Ctx() ctx: RequestContext,
  ) {
    if (!ctx.actor) throw unauthenticated();
    return userByExternalId(ctx, issuer, externalId);
  }

  @Mutation(() => UpsertOrganizationPayload, { description: `Creates or renames an organisation by external ID. ${PLATFORM_ONLY}` })
  upsertOrganization(@Arg("input", () => UpsertOrganizationInput) input: UpsertOrganizationInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => upsertOrganization(ctx, parseInput(upsertOrganizationSchema, input)),
      (organization) => ({ organization }),
    );
  }

  @Mutation(() => DeleteOrganizationByExternalIdPayload, {
    description: `Deletes an organisation by external ID, as \`deleteOrganization\` does. ${PLATFORM_ONLY}`,
  })
  deleteOrganizationByExternalId(
    @Arg("input", () => DeleteOrganizationByExternalIdInput) input: DeleteOrganizationByExternalIdInput,
    @Ctx() ctx: RequestContext,
  ) {
    return toPayload(
      () => deleteOrganizationByExternalId(ctx, parseInput(organizationByExternalIdSchema, input)),
      (id) => ({ deletedOrganizationId: globalIdOrNull("Organization")(id) }),
    );
  }

  @Mutation(() => UpsertLocationPayload, { description: `Creates or changes a location by external IDs. ${PLATFORM_ONLY}` })
  upsertLocation(@Arg("input", () => UpsertLocationInput) input: UpsertLocationInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => upsertLocation(ctx, parseInput(upsertLocationSchema, input)),
      (location) => ({ location }),
    );
  }

  @Mutation(() => DeleteLocationByExternalIdPayload, {
    description: `Deletes a location by external IDs, as \`deleteLocation\` does. ${PLATFORM_ONLY}`,
  })
  deleteLocationByExternalId(
    @Arg("input", () => DeleteLocationByExternalIdInput) input: DeleteLocationByExternalIdInput,
    @Ctx() ctx: RequestContext,
  ) {
    return toPayload(
      () => deleteLocationByExternalId(ctx, parseInput(locationByExternalIdSchema, input)),
      (id) => ({ deletedLocationId: globalIdOrNull("Location")(id) }),
    );
  }

  @Mutation(() => UpsertUserPayload, { description: `Creates or changes a user by issuer and external ID. ${PLATFORM_ONLY}` })
  upsertUser(@Arg("input", () => UpsertUserInput) input: UpsertUserInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => upsertUser(ctx, parseInput(upsertUserSchema, input)),
      (user) => ({ user }),
    );
  }

  @Mutation(() => UpsertMembershipPayload, { description: `Adds a member or changes their role, by external IDs. ${PLATFORM_ONLY}` })
  upsertMembership(@Arg("input", () => UpsertMembershipInput) input: UpsertMembershipInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => upsertMembership(ctx, parseInput(upsertMembershipSchema, input)),
      (membership) => ({ membership }),
    );
  }

  @Mutation(() => RemoveMembershipPayload, { description: `Removes a member by external IDs. ${PLATFORM_ONLY}` })
  removeMembership(@Arg("input", () => RemoveMembershipInput) input: RemoveMembershipInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => removeMembership(ctx, parseInput(removeMembershipSchema, input)),
      (id) => ({ removedMembershipId: globalIdOrNull("Membership")(id) }),
    );
  }
}

/** Locations by the host's ID, on the organisation they belong to. */
@Resolver(() => Organization)
export class OrganizationLocationByExternalIdResolver {
  @FieldResolver(() => Location, { nullable: true, description: "A location of this organisation by the host's ID for it." })
  location(@Root() organization: Organization, @Arg("externalId", () => String) externalId: string, @Ctx() ctx: RequestContext) {
    return ctx.em.findOne(Location, { organization: organization.id, externalId });
  }
}
