import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, userError } from "../graphql/errors";
import { globalIdOf, parseInput } from "../graphql/validate";
import { manageableEndpoint, mayManageEndpoint, requireEnabledEndpoint } from "./webhook-access";
import type { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookMessageStatus } from "./webhook-enums";
import { enqueueDeliveries } from "./webhook-jobs";
import { WebhookMessage } from "./webhook-message.entity";
import { restartMessages } from "./webhook-messages";

const redeliverSchema = z.object({ id: globalIdOf("WebhookMessage") });
const recoverSchema = z.object({
  id: globalIdOf("WebhookEndpoint"),
  since: z.date().refine((since) => since <= new Date(), "must not be in the future"),
});

/**
 * Starts the delivery of messages over again, with a fresh retry schedule, in one transaction with
 * its audit entry. Returns the IDs of the messages queued.
 */
async function restart(ctx: RequestContext, endpoint: WebhookEndpoint, which: Parameters<typeof restartMessages>[2]): Promise<string[]> {
  return ctx.em.transactional(async (em) => {
    const ids = await restartMessages(em, endpoint.id, which);
    await enqueueDeliveries(em, ids, null, true);
    recordAudit(em, ctx, {
      action: AuditAction.WEBHOOK_REDELIVERED,
      organizationId: endpoint.organization.id,
      targetType: "WebhookEndpoint",
      targetId: endpoint.id,
      metadata: { messages: ids.length },
    });
    return ids;
  });
}

/** Sends one message again, whatever became of it before. */
export async function redeliverWebhookMessage(ctx: RequestContext, input: unknown): Promise<WebhookMessage> {
  const { id } = parseInput(redeliverSchema, input);
  ctx.authz.requireActor();
  const message = await ctx.em.findOne(WebhookMessage, id, { populate: ["endpoint"] });
  if (!message || !(await mayManageEndpoint(ctx, message.endpoint)))
    throw userError(UserErrorCode.NOT_FOUND, "Webhook message not found.", ["id"]);
  requireEnabledEndpoint(message.endpoint);
  if (message.status === WebhookMessageStatus.DELIVERING)
    throw userError(UserErrorCode.INVALID_STATE, "An attempt is in flight; wait for it.", ["id"]);
  await restart(ctx, message.endpoint, { messageId: message.id });
  await ctx.em.refresh(message);
  return message;
}

/** Sends again every message of an endpoint that failed or was cancelled since a given time. */
export async function recoverWebhookMessages(ctx: RequestContext, input: unknown): Promise<{ endpoint: WebhookEndpoint; count: number }> {
  const { id, since } = parseInput(recoverSchema, input);
  const endpoint = await manageableEndpoint(ctx, id);
  requireEnabledEndpoint(endpoint);
  const ids = await restart(ctx, endpoint, { failedSince: since });
  return { endpoint, count: ids.length };
}
