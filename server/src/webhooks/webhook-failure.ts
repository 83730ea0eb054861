import type { WebhookConfig } from "../config";
import { recordEvent } from "../core/record-change";
import { jobOrigin, type ServiceContext } from "../core/service-context";
import { EventType } from "../events/events";
import { disableEndpoint } from "./webhook-disable";
import { WebhookEndpointStatus, WebhookMessageStatus } from "./webhook-enums";
import { enqueueDeliveries } from "./webhook-jobs";
import { type AttemptRow, type ClaimedMessage, insertAttempt, settleFailure } from "./webhook-messages";
import type { SendResult } from "./webhook-sender";

const RETRY_AFTER_CAP_MS = 24 * 3_600_000;
const GONE = 410;

/** Where the changes the delivery job makes on its own (disabling an endpoint) come from, in the audit log. */
export const WEBHOOK_DELIVERY_ORIGIN = jobOrigin("webhook-delivery");

/**
 * Records a failed attempt and what follows, in one transaction: a retry on the schedule or, when
 * retries ran out, `webhook.attempt.exhausted`; `410 Gone` disables the endpoint at once, and so
 * does failing everything for `disableAfterMs`. The attempt is kept if its message still exists;
 * the rest happens only while the claim holds, and nothing is retried for a disabled endpoint.
 */
export async function recordFailure(
  ctx: Pick<ServiceContext, "em" | "origin" | "clock">,
  config: WebhookConfig,
  message: ClaimedMessage,
  result: SendResult,
  attempt: AttemptRow,
) {
  const gone = result.status === GONE;
  // The job acts as nobody: what it changes is recorded under its origin, with no actor.
  const job = { actor: null, origin: ctx.origin, clock: ctx.clock };
  await ctx.em.transactional(async (tx) => {
    // Locking the endpoint serialises this with pausing, disabling and deleting it.
    const [endpoint] = await tx.execute<Array<{ status: WebhookEndpointStatus }>>(
      "select status from webhook_endpoints where id = ? for update",
      [message.endpoint_id],
    );
    if (!endpoint) return;
    await insertAttempt(tx, attempt);
    const attempts = message.attempt_count + 1;
    const disabled = endpoint.status === WebhookEndpointStatus.DISABLED;
    // The schedule has a delay for each retry; past its end, retries have run out.
    const scheduledMs = config.retryScheduleMs[attempts - 1];
    const retry = !gone && !disabled && scheduledMs !== undefined;
    const now = ctx.clock.now();
    const nextAttemptAt = retry ? new Date(now.getTime() + retryDelay(scheduledMs, result.retryAfterMs)) : null;
    const status = retry ? WebhookMessageStatus.PENDING : disabled ? WebhookMessageStatus.CANCELLED : WebhookMessageStatus.FAILED;
    const settled = await settleFailure(tx, message, { status, attempts, nextAttemptAt });
    if (!settled || disabled) return;
    if (retry) await enqueueDeliveries(tx, [message.id], nextAttemptAt);
    // News of failed webhook.* messages would itself fail at the other failing endpoints, and so on.
    else if (!gone && !message.type.startsWith("webhook.")) {
      recordEvent(tx, job, {
        type: EventType.WEBHOOK_ATTEMPT_EXHAUSTED,
        organizationId: message.organization_id,
        subjectId: message.endpoint_id,
        payload: {
          endpointId: message.endpoint_id,
          messageId: message.id,
          eventType: message.type,
          attempts,
        },
      });
    }
    const failingSince = message.failing_since ?? now;
    if (!message.failing_since) {
      await tx.execute("update webhook_endpoints set failing_since = ? where id = ? and failing_since is null", [now, message.endpoint_id]);
    }
    if (gone) await disableEndpoint(tx, job, message.endpoint_id, "The endpoint answered 410 Gone.");
    else if (now.getTime() - failingSince.getTime() >= config.disableAfterMs) {
      await disableEndpoint(tx, job, message.endpoint_id, `Every delivery failed since ${failingSince.toISOString()}.`);
    }
  });
}

/**
 * The scheduled delay with ±20% jitter, so retries of many messages do not arrive in one burst;
 * never before the receiver's `Retry-After` (up to a day: a receiver cannot park a message forever).
 */
function retryDelay(scheduledMs: number, retryAfterMs: number | null): number {
  const jittered = scheduledMs * (0.8 + Math.random() * 0.4);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, RETRY_AFTER_CAP_MS));
}
