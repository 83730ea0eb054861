import { Permission } from "../auth/permission";
import type { ServiceContext } from "../core/service-context";
import { UserErrorCode, type UserErrorsException, userError } from "../graphql/errors";
import type { Organization } from "../orgs/organization.entity";

/**
 * Why the actor may not create a key in the organisation (or one of its locations), or null when
 * they may. `createKey` throws this refusal and `Organization.viewerCan` shows it, so the rule
 * exists once. The API agreement is not part of it: the viewer can accept that themselves.
 */
export async function keyCreationRefusal(
  ctx: ServiceContext,
  organization: Organization,
  locationId: string | null = null,
): Promise<UserErrorsException | null> {
  const permissions = await ctx.authz.permissionsIn(organization.id, locationId);
  if (!permissions.has(Permission.ORG_READ)) return userError(UserErrorCode.NOT_FOUND, "Organization not found.");
  if (!permissions.has(Permission.KEYS_CREATE)) {
    return userError(UserErrorCode.FORBIDDEN, `Your role does not grant \`${Permission.KEYS_CREATE}\` in this organization.`);
  }
  if (!permissions.has(Permission.KEYS_MANAGE_ALL) && !organization.settings.apiAccessForNonAdmins) {
    return userError(UserErrorCode.API_ACCESS_DISABLED, "In this organization only admins can create API keys.");
  }
  return null;
}
