import type { EntityManager } from "@mikro-orm/postgresql";
import type { WebhookConfig } from "../config";
import { EventType, publishEvent } from "../events/events";
import { toGlobalId } from "../graphql/global-id";
import type { AttemptRow, ClaimedMessage } from "./webhook-delivery";
import { disableEndpoint } from "./webhook-disable";
import { enqueueDeliveries } from "./webhook-jobs";
import type { SendResult } from "./webhook-sender";

const RETRY_AFTER_CAP_MS = 24 * 3_600_000;
const GONE = 410;

/**
 * Records a failed attempt and what follows, in one transaction: a retry on the schedule, or, when
 * retries ran out, `webhook.attempt.exhausted`; `410 Gone` disables the endpoint at once, and so
 * does failing everything for `disableAfterMs`.
 */
export async function recordFailure(
  em: EntityManager,
  config: WebhookConfig,
  message: ClaimedMessage,
  result: SendResult,
  attempt: AttemptRow,
) {
  const gone = result.status === GONE;
  const attempts = message.attempt_count + 1;
  const schedule = config.retryScheduleMs;
  await em.transactional(async (tx) => {
    await tx.execute(
      `insert into webhook_attempts (id, message_id, trigger, url, response_status, response_body, latency_ms, error)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        attempt.id,
        attempt.message_id,
        attempt.trigger,
        attempt.url,
        attempt.response_status,
        attempt.response_body,
        attempt.latency_ms,
        attempt.error,
      ],
    );
    const retry = !gone && attempts <= schedule.length;
    const nextAttemptAt = retry ? new Date(Date.now() + retryDelay(schedule[attempts - 1], result.retryAfterMs)) : null;
    await tx.execute("update webhook_messages set status = ?, attempt_count = ?, lease_until = null, next_attempt_at = ? where id = ?", [
      retry ? "PENDING" : "FAILED",
      attempts,
      nextAttemptAt,
      message.id,
    ]);
    if (retry) await enqueueDeliveries(tx, [message.id], nextAttemptAt);
    else if (!gone) {
      publishEvent(tx, {
        type: EventType.WEBHOOK_ATTEMPT_EXHAUSTED,
        organizationId: message.organization_id,
        subjectId: message.endpoint_id,
        payload: {
          endpointId: toGlobalId("WebhookEndpoint", message.endpoint_id),
          messageId: toGlobalId("WebhookMessage", message.id),
          eventType: message.type,
          attempts,
        },
      });
    }
    const failingSince = message.failing_since ?? new Date();
    if (!message.failing_since) {
      await tx.execute("update webhook_endpoints set failing_since = now() where id = ? and failing_since is null", [message.endpoint_id]);
    }
    if (gone) await disableEndpoint(tx, message.endpoint_id, "The endpoint answered 410 Gone.");
    else if (Date.now() - failingSince.getTime() >= config.disableAfterMs) {
      await disableEndpoint(tx, message.endpoint_id, `Every delivery failed since ${failingSince.toISOString()}.`);
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
