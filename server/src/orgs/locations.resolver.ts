import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { toGlobalId } from "../graphql/global-id";
import { MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { Location } from "./location.entity";
import { createLocation, deleteLocation, updateLocation } from "./locations.service";
import { Organization } from "./organization.entity";
import {
  CreateLocationInput,
  createLocationSchema,
  DeleteLocationInput,
  deleteLocationSchema,
  UpdateLocationInput,
  updateLocationSchema,
} from "./orgs.inputs";
import { readableOrganization } from "./orgs.service";

const LocationPayload = MutationPayload("LocationPayload", "location", () => Location, "The location created or changed.");
const DeleteLocationPayload = MutationPayload("DeleteLocationPayload", "deletedLocationId", () => ID, "The ID of the deleted location.");

@Resolver(() => Location)
export class LocationResolver {
  @FieldResolver(() => Organization, {
    nullable: true,
    description: "The organisation this location belongs to; null for a location key, which reaches only its location.",
  })
  async organization(@Root() location: Location, @Ctx() ctx: RequestContext) {
    return readableOrganization(ctx, location.organization.id);
  }

  @Mutation(() => LocationPayload, { description: "Adds a location to an organisation. Needs `locations:manage`." })
  createLocation(@Arg("input", () => CreateLocationInput) input: CreateLocationInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => createLocation(ctx, parseInput(createLocationSchema, input)),
      (location) => ({ location }),
    );
  }

  @Mutation(() => LocationPayload, { description: "Renames a location or changes its address. Needs `locations:manage`." })
  updateLocation(@Arg("input", () => UpdateLocationInput) input: UpdateLocationInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => updateLocation(ctx, parseInput(updateLocationSchema, input)),
      (location) => ({ location }),
    );
  }

  @Mutation(() => DeleteLocationPayload, { description: "Deletes a location. Needs `locations:manage`." })
  deleteLocation(@Arg("input", () => DeleteLocationInput) input: DeleteLocationInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => deleteLocation(ctx, parseInput(deleteLocationSchema, input)),
      (id) => ({ deletedLocationId: toGlobalId("Location", id) }),
    );
  }
}
