import type { ServiceContext } from "../core/service-context";
import { UserErrorCode, userError } from "../graphql/errors";
import { Location } from "../orgs/location.entity";
import { changeLocation, insertLocation, removeLocation } from "../orgs/locations.service";
import { Organization } from "../orgs/organization.entity";
import { changeOrganization, foundOrganization, readableOrganization, removeOrganization } from "../orgs/orgs.service";
import { createOrAdopt } from "./create-or-adopt";
import type { LocationByExternalId, OrganizationByExternalId, UpsertLocation, UpsertOrganization } from "./provisioning.inputs";

const CONCURRENT_CONFLICT = "Another request changed this at the same moment; send the same input again.";

/**
 * The organisation with this external ID: any of them for the platform (it provisions them all);
 * for everyone else only one they may read, exactly like `organization(id:)`.
 */
export async function organizationByExternalId(ctx: ServiceContext, externalId: string): Promise<Organization | null> {
  const organization = await ctx.em.findOne(Organization, { externalId });
  if (!organization) return null;
  if (ctx.actor?.platform) return organization;
  return readableOrganization(ctx, organization.id);
}

/** For provisioning: the organisation with this external ID, or a NOT_FOUND user error on `field`. */
export async function provisionedOrganization(ctx: ServiceContext, externalId: string, field: string): Promise<Organization> {
  const organization = await ctx.em.findOne(Organization, { externalId });
  if (!organization) throw userError(UserErrorCode.NOT_FOUND, "No organization has this external ID.", [field]);
  return organization;
}

/** Creates the organisation (built-in roles, no member) or renames it; the same input twice changes nothing. */
export async function upsertOrganization(ctx: ServiceContext, { externalId, name }: UpsertOrganization): Promise<Organization> {
  ctx.authz.requirePlatform();
  const update = async () => {
    const existing = await ctx.em.findOne(Organization, { externalId });
    if (!existing) return null;
    return existing.name === name ? existing : changeOrganization(ctx, existing, { name });
  };
  return (
    (await update()) ??
    createOrAdopt(
      () => foundOrganization(ctx, { name, externalId }, null),
      update,
      () => userError(UserErrorCode.CONFLICT, CONCURRENT_CONFLICT, ["externalId"]),
    )
  );
}

/** Deletes as `deleteOrganization` does (keys revoked and announced, audit kept); null when there was none. */
export async function deleteOrganizationByExternalId(
  ctx: ServiceContext,
  { externalId }: OrganizationByExternalId,
): Promise<string | null> {
  ctx.authz.requirePlatform();
  const organization = await ctx.em.findOne(Organization, { externalId });
  if (!organization) return null;
  await removeOrganization(ctx, organization);
  return organization.id;
}

/** Creates the location or changes its name and address; the same input twice changes nothing. */
export async function upsertLocation(ctx: ServiceContext, input: UpsertLocation): Promise<Location> {
  ctx.authz.requirePlatform();
  const organization = await provisionedOrganization(ctx, input.organizationExternalId, "organizationExternalId");
  const update = async () => {
    const existing = await ctx.em.findOne(Location, { organization, externalId: input.externalId });
    if (!existing) return null;
    const address = input.address === undefined ? existing.address : input.address || null;
    if (existing.name === input.name && existing.address === address) return existing;
    return changeLocation(ctx, existing, { name: input.name, address: input.address });
  };
  const fields = { organizationId: organization.id, name: input.name, address: input.address || null, externalId: input.externalId };
  return (
    (await update()) ??
    createOrAdopt(
      () => insertLocation(ctx, fields),
      update,
      () => userError(UserErrorCode.CONFLICT, CONCURRENT_CONFLICT, ["externalId"]),
    )
  );
}

/** Deletes as `deleteLocation` does (its keys announced, audit kept); null when there was none. */
export async function deleteLocationByExternalId(ctx: ServiceContext, input: LocationByExternalId): Promise<string | null> {
  ctx.authz.requirePlatform();
  const organization = await provisionedOrganization(ctx, input.organizationExternalId, "organizationExternalId");
  const location = await ctx.em.findOne(Location, { organization, externalId: input.externalId });
  if (!location) return null;
  await removeLocation(ctx, location);
  return location.id;
}
