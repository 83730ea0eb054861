import { AuditAction } from "../audit/audit-action";
import { commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { UserErrorCode, userError } from "../graphql/errors";
import { manageableEndpoint, mayManageEndpoint, requireEnabledEndpoint } from "./webhook-access";
import type { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookMessageStatus } from "./webhook-enums";
import { enqueueDeliveries } from "./webhook-jobs";
import { WebhookMessage } from "./webhook-message.entity";
import { restartMessages } from "./webhook-messages";
import type { RecoverWebhookMessages, RedeliverWebhookMessage } from "./webhooks.inputs";

/**
 * Starts the delivery of messages over again, with a fresh retry schedule, in one transaction with
 * its audit entry. Returns the IDs of the messages queued.
 */
async function restart(ctx: ServiceContext, endpoint: WebhookEndpoint, which: Parameters<typeof restartMessages>[2]): Promise<string[]> {
  return commitChange(ctx, async (em, record) => {
    const ids = await restartMessages(em, endpoint.id, which);
    await enqueueDeliveries(em, ids, null, true);
    record.change({
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
export async function redeliverWebhookMessage(ctx: ServiceContext, { id }: RedeliverWebhookMessage): Promise<WebhookMessage> {
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
export async function recoverWebhookMessages(
  ctx: ServiceContext,
  { id, since }: RecoverWebhookMessages,
): Promise<{ endpoint: WebhookEndpoint; count: number }> {
  const endpoint = await manageableEndpoint(ctx, id);
  requireEnabledEndpoint(endpoint);
  const ids = await restart(ctx, endpoint, { failedSince: since });
  return { endpoint, count: ids.length };
}
