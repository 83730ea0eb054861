import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { recordChange } from "../core/record-change";
import { conflictOnDuplicate } from "../db/errors";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, userError } from "../graphql/errors";
import { globalIdOf, nameSchema, parseInput } from "../graphql/validate";
import { announceCascadedKeyDeletions } from "../keys/cascade-deletion";
import { Location } from "./location.entity";

const addressSchema = z.string().trim().max(500, "must be at most 500 characters");
const createSchema = z.object({ organizationId: globalIdOf("Organization"), name: nameSchema, address: addressSchema.nullish() });
const updateSchema = z.object({ id: globalIdOf("Location"), name: nameSchema.nullish(), address: addressSchema.nullish() });
const deleteSchema = z.object({ id: globalIdOf("Location") });

const DUPLICATE = "This organization already has a location with that name.";

export async function readableLocation(ctx: RequestContext, id: string): Promise<Location | null> {
  const location = await ctx.loaders.orgs.locationById.load(id);
  if (!location || !(await ctx.authz.can(location.organization.id, Permission.ORG_READ, location.id))) return null;
  return location;
}

async function manageableLocation(ctx: RequestContext, id: string): Promise<Location> {
  const location = await ctx.loaders.orgs.locationById.load(id);
  if (!location) throw userError(UserErrorCode.NOT_FOUND, "Location not found.", ["id"]);
  await ctx.authz.require(location.organization.id, Permission.LOCATIONS_MANAGE, "Location");
  return location;
}

export async function createLocation(ctx: RequestContext, input: unknown): Promise<Location> {
  const { organizationId, name, address } = parseInput(createSchema, input);
  await ctx.authz.require(organizationId, Permission.LOCATIONS_MANAGE);
  return conflictOnDuplicate(
    () =>
      ctx.em.transactional(async (em) => {
        if (await em.count(Location, { organization: organizationId, name })) {
          throw userError(UserErrorCode.CONFLICT, DUPLICATE, ["name"]);
        }
        const location = em.create(Location, { organization: organizationId, name, address: address ?? null, createdAt: new Date() });
        recordAudit(em, ctx, {
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
}

export async function updateLocation(ctx: RequestContext, input: unknown): Promise<Location> {
  const changes = parseInput(updateSchema, input);
  const location = await manageableLocation(ctx, changes.id);
  const organizationId = location.organization.id;
  return conflictOnDuplicate(
    () =>
      ctx.em.transactional(async (em) => {
        if (
          changes.name &&
          changes.name !== location.name &&
          (await em.count(Location, { organization: organizationId, name: changes.name }))
        ) {
          throw userError(UserErrorCode.CONFLICT, DUPLICATE, ["name"]);
        }
        const before = { name: location.name, address: location.address };
        if (changes.name) location.name = changes.name;
        if (changes.address !== undefined) location.address = changes.address || null;
        em.persist(location);
        recordAudit(em, ctx, {
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

export async function deleteLocation(ctx: RequestContext, input: unknown): Promise<string> {
  const { id } = parseInput(deleteSchema, input);
  const location = await manageableLocation(ctx, id);
  const deletedKeys = await ctx.em.transactional(async (em) => {
    const keyIds = await announceCascadedKeyDeletions(
      em,
      { change: (change) => recordChange(em, ctx, change) },
      { locationId: id },
      "location deleted",
    );
    await em.nativeDelete(Location, { id });
    recordAudit(em, ctx, {
      action: AuditAction.LOCATION_DELETED,
      organizationId: location.organization.id,
      targetType: "Location",
      targetId: id,
      metadata: { name: location.name },
    });
    return keyIds;
  });
  for (const keyId of deletedKeys) ctx.services.keyVerifier.evict(keyId);
  return id;
}
