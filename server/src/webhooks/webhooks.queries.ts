import type { FilterQuery } from "@mikro-orm/core";
import type { ServiceContext } from "../core/service-context";
import type { PageRequest } from "../graphql/connection";
import { findPage } from "../graphql/paged-query";
import { endpointVisibility } from "./webhook-access";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import type { WebhookEndpointStatus, WebhookMessageStatus } from "./webhook-enums";
import { WebhookMessage } from "./webhook-message.entity";

/** An organisation's endpoints the actor may manage (their own, or all for admins); null without `webhooks:manage`. */
export async function listEndpoints(
  ctx: ServiceContext,
  organizationId: string,
  filter: { statuses?: WebhookEndpointStatus[] | null; createdById?: string | null },
  page: PageRequest,
) {
  const visibility = await endpointVisibility(ctx, organizationId);
  const userId = ctx.actor?.userId;
  if (visibility === "none" || !userId) return null;
  const where: FilterQuery<WebhookEndpoint> = { organization: organizationId };
  if (visibility === "own") where.createdBy = userId;
  else if (filter.createdById) where.createdBy = filter.createdById;
  if (filter.statuses?.length) where.status = { $in: filter.statuses };
  return findPage(ctx.em, WebhookEndpoint, where, page);
}

/** Newest first: what someone debugging an endpoint looks at. */
export function listMessages(
  ctx: ServiceContext,
  endpoint: WebhookEndpoint,
  statuses: WebhookMessageStatus[] | null | undefined,
  page: PageRequest,
) {
  const where: FilterQuery<WebhookMessage> = { endpoint: endpoint.id };
  if (statuses?.length) where.status = { $in: statuses };
  return findPage(ctx.em, WebhookMessage, where, page, "desc");
}
