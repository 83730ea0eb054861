import { Permission } from "../auth/permission";
import type { ServiceContext } from "../core/service-context";
import { UserErrorCode, userError } from "../graphql/errors";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookEndpointStatus } from "./webhook-enums";

/**
 * Who may see and manage an endpoint: its registrant while they hold `webhooks:manage`, and anyone
 * holding both `webhooks:manage` and `org:manage` (the organisation's admins) for every endpoint.
 */
export async function mayManageEndpoint(ctx: ServiceContext, endpoint: WebhookEndpoint): Promise<boolean> {
  const actor = ctx.authz.actor;
  if (!actor) return false;
  const permissions = await ctx.authz.permissionsIn(endpoint.organization.id, endpoint.location?.id ?? null);
  if (!permissions.has(Permission.WEBHOOKS_MANAGE)) return false;
  return endpoint.createdBy?.id === actor.userId || permissions.has(Permission.ORG_MANAGE);
}

/** The endpoint, if the actor may manage it; otherwise a NOT_FOUND user error (IDs of others reveal nothing). */
export async function manageableEndpoint(ctx: ServiceContext, id: string, field = "id"): Promise<WebhookEndpoint> {
  ctx.authz.requireActor();
  const endpoint = await ctx.em.findOne(WebhookEndpoint, id, { populate: ["sealedSecret", "previousSealedSecret"] });
  if (!endpoint || !(await mayManageEndpoint(ctx, endpoint)))
    throw userError(UserErrorCode.NOT_FOUND, "Webhook endpoint not found.", [field]);
  return endpoint;
}

/** Whether the actor sees every endpoint of the organisation, only their own, or none. */
export async function endpointVisibility(ctx: ServiceContext, organizationId: string): Promise<"all" | "own" | "none"> {
  const permissions = await ctx.authz.permissionsIn(organizationId);
  if (!permissions.has(Permission.WEBHOOKS_MANAGE)) return "none";
  return permissions.has(Permission.ORG_MANAGE) ? "all" : "own";
}

export function requireEnabledEndpoint(endpoint: WebhookEndpoint) {
  if (endpoint.status !== WebhookEndpointStatus.ENABLED) {
    throw userError(UserErrorCode.INVALID_STATE, `The endpoint is ${endpoint.status.toLowerCase()}; resume it first.`, ["id"]);
  }
}
