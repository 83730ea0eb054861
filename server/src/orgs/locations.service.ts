import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { conflictOnDuplicate } from "../db/errors";
import { UserErrorCode, userError } from "../graphql/errors";
import { announceCascadedKeyDeletions } from "../keys/cascade-deletion";
import { Location } from "./location.entity";
import type { CreateLocation, DeleteLocation, UpdateLocation } from "./orgs.inputs";

const DUPLICATE = "This organization already has a location with that name.";

export async function readableLocation(ctx: ServiceContext, id: string): Promise<Location | null> {
  const location = await ctx.loaders.orgs.locationById.load(id);
  if (!location || !(await ctx.authz.can(location.organization.id, Permission.ORG_READ, location.id))) return null;
  return location;
}

async function manageableLocation(ctx: ServiceContext, id: string): Promise<Location> {
  const location = await ctx.loaders.orgs.locationById.load(id);
  if (!location) throw userError(UserErrorCode.NOT_FOUND, "Location not found.", ["id"]);
  await ctx.authz.require(location.organization.id, Permission.LOCATIONS_MANAGE, "Location");
  return location;
}

export async function createLocation(ctx: ServiceContext, { organizationId, name, address }: CreateLocation): Promise<Location> {
  await ctx.authz.require(organizationId, Permission.LOCATIONS_MANAGE);
  const created = await conflictOnDuplicate(
    () =>
      commitChange(ctx, async (tx, record) => {
        if (await tx.count(Location, { organization: organizationId, name })) {
          throw userError(UserErrorCode.CONFLICT, DUPLICATE, ["name"]);
        }
        const location = tx.create(Location, { organization: organizationId, name, address: address ?? null, createdAt: ctx.clock.now() });
        record.change({
          action: AuditAction.LOCATION_CREATED,
          organizationId,
          targetType: "Location",
          targetId: location.id,
          metadata: { name },
        });
        return location;
      }),
    DUPLICATE,
    ["name"],
  );
  // The organisation's load may have brought its location count into this request.
  ctx.loaders.orgs.locationsOf.forgetCount(organizationId);
  return created;
}

export async function updateLocation(ctx: ServiceContext, changes: UpdateLocation): Promise<Location> {
  const location = await manageableLocation(ctx, changes.id);
  const organizationId = location.organization.id;
  return conflictOnDuplicate(
    () =>
      commitChange(ctx, async (tx, record) => {
        if (
          changes.name &&
          changes.name !== location.name &&
          (await tx.count(Location, { organization: organizationId, name: changes.name }))
        ) {
          throw userError(UserErrorCode.CONFLICT, DUPLICATE, ["name"]);
        }
        const before = { name: location.name, address: location.address };
        if (changes.name) location.name = changes.name;
        if (changes.address !== undefined) location.address = changes.address || null;
        tx.persist(location);
        record.change({
          action: AuditAction.LOCATION_UPDATED,
          organizationId,
          targetType: "Location",
          targetId: location.id,
          metadata: { before, after: { name: location.name, address: location.address } },
        });
        return location;
      }),
    DUPLICATE,
    ["name"],
  );
}

/** Deletes a location; its keys go too, each with its own `key.deleted` record (which drops cached verifications). */
export async function deleteLocation(ctx: ServiceContext, { id }: DeleteLocation): Promise<string> {
  const location = await manageableLocation(ctx, id);
  await commitChange(ctx, async (tx, record) => {
    await announceCascadedKeyDeletions(tx, record, { locationId: id }, "location deleted");
    await tx.nativeDelete(Location, { id });
    record.change({
      action: AuditAction.LOCATION_DELETED,
      organizationId: location.organization.id,
      targetType: "Location",
      targetId: id,
      metadata: { name: location.name },
    });
  });
  ctx.loaders.orgs.locationsOf.forgetCount(location.organization.id);
  return id;
}
