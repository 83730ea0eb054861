import type { EntityManager } from "@mikro-orm/postgresql";
import { v7 as uuidv7 } from "uuid";
import type { WebhookConfig } from "../config";
import { EventType, publishEvent } from "../events/events";
import { toGlobalId } from "../graphql/global-id";
import type { KeyCrypto } from "../keys/key-crypto";
import { disableEndpoint } from "./webhook-disable";
import { deliveryLeaseMs, enqueueDeliveries } from "./webhook-jobs";
import { type SendResult, sendWebhook } from "./webhook-sender";
import { signatureHeader } from "./webhook-signing";
import type { WebhookTargets } from "./webhook-targets";

interface ClaimedMessage {
  id: string;
  attempt_count: number;
  endpoint_id: string;
  organization_id: string;
  url: string;
  sealed_secret: string;
  previous_sealed_secret: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  type: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

/** The JSON body of every webhook: the Standard Webhooks shape. */
export function webhookBody(event: { type: string; occurred_at: Date; payload: Record<string, unknown> }): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurred_at.toISOString(), data: event.payload });
}

/** The `webhook-id` of a message: the same on every attempt, so receivers can drop duplicates. */
export function webhookId(messageId: string): string {
  return `msg_${messageId}`;
}

/**
 * Makes one attempt of one message: claims it (so no other worker sends it at the same time),
 * signs and sends it outside any transaction, then records the attempt and decides what follows
 * (done, a retry on the schedule, failed for good, or the endpoint disabled) in one transaction.
 */
export class WebhookDelivery {
  constructor(
    private readonly em: EntityManager,
    private readonly crypto: KeyCrypto,
    private readonly targets: WebhookTargets,
    private readonly config: WebhookConfig,
  ) {}

  async deliver(messageId: string, manual: boolean): Promise<void> {
    const message = await this.claim(messageId);
    if (!message) return;
    const timestamp = new Date();
    const body = webhookBody(message);
    const result = await sendWebhook(this.targets, message.url, this.headers(message, timestamp, body), body, this.config.timeoutMs);
    await this.record(message, result, manual);
  }

  /** A message is claimed when pending, or when a claim's lease ran out because its process died mid-attempt. */
  private async claim(messageId: string): Promise<ClaimedMessage | null> {
    const leaseMs = deliveryLeaseMs(this.config.timeoutMs);
    const [claimed] = await this.em.fork().execute<ClaimedMessage[]>(
      `with claimed as (
         update webhook_messages m set status = 'DELIVERING', lease_until = now() + ? * interval '1 millisecond'
         from webhook_endpoints e
         where m.id = ? and e.id = m.endpoint_id and e.status = 'ENABLED'
           and (m.status = 'PENDING' or (m.status = 'DELIVERING' and m.lease_until < now()))
         returning m.id, m.attempt_count, m.event_id, e.id as endpoint_id, e.organization_id, e.url, e.sealed_secret,
           e.previous_sealed_secret, e.previous_secret_expires_at, e.failing_since
       )
       select claimed.*, d.type, d.occurred_at, d.payload from claimed join domain_events d on d.id = claimed.event_id`,
      [leaseMs, messageId],
    );
    if (!claimed) return null;
    // Raw rows carry timestamps as text.
    const date = (value: Date | string | null) => (value === null ? null : new Date(value));
    return {
      ...claimed,
      occurred_at: date(claimed.occurred_at)!,
      previous_secret_expires_at: date(claimed.previous_secret_expires_at),
      failing_since: date(claimed.failing_since),
    };
  }

  private headers(message: ClaimedMessage, timestamp: Date, body: string): Record<string, string> {
    const secrets = [this.crypto.open(message.sealed_secret)];
    if (message.previous_sealed_secret && message.previous_secret_expires_at && message.previous_secret_expires_at > timestamp) {
      secrets.push(this.crypto.open(message.previous_sealed_secret));
    }
    const id = webhookId(message.id);
    return {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": signatureHeader(secrets, id, timestamp, body),
    };
  }

  private async record(message: ClaimedMessage, result: SendResult, manual: boolean): Promise<void> {
    const succeeded = result.status !== null && result.status >= 200 && result.status < 300;
    const gone = result.status === 410;
    const attempts = message.attempt_count + 1;
    const schedule = this.config.retryScheduleMs;
    await this.em.fork().transactional(async (tx) => {
      await tx.execute(
        `insert into webhook_attempts (id, message_id, trigger, url, response_status, response_body, latency_ms, error)
         values (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          uuidv7(),
          message.id,
          manual ? "MANUAL" : "SCHEDULED",
          message.url,
          result.status,
          result.body,
          result.latencyMs,
          failureOf(result),
        ],
      );
      if (succeeded) {
        await tx.execute(
          "update webhook_messages set status = 'SUCCEEDED', attempt_count = ?, delivered_at = now(), lease_until = null, next_attempt_at = null where id = ?",
          [attempts, message.id],
        );
        await tx.execute("update webhook_endpoints set failing_since = null where id = ? and failing_since is not null", [
          message.endpoint_id,
        ]);
        return;
      }
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
        await tx.execute("update webhook_endpoints set failing_since = now() where id = ? and failing_since is null", [
          message.endpoint_id,
        ]);
      }
      if (gone) await disableEndpoint(tx, message.endpoint_id, "The endpoint answered 410 Gone.");
      else if (Date.now() - failingSince.getTime() >= this.config.disableAfterMs) {
        await disableEndpoint(tx, message.endpoint_id, `Every delivery failed since ${failingSince.toISOString()}.`);
      }
    });
  }
}

function failureOf(result: SendResult): string | null {
  if (result.error) return result.error;
  if (result.status === null || (result.status >= 200 && result.status < 300)) return null;
  if (result.status >= 300 && result.status < 400) return `HTTP ${result.status}: redirects are not followed`;
  return `HTTP ${result.status}`;
}

const RETRY_AFTER_CAP_MS = 24 * 3_600_000;

/**
 * The scheduled delay with ±20% jitter, so retries of many messages do not arrive in one burst;
 * never before the receiver's `Retry-After` (up to a day: a receiver cannot park a message forever).
 */
function retryDelay(scheduledMs: number, retryAfterMs: number | null): number {
  const jittered = scheduledMs * (0.8 + Math.random() * 0.4);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, RETRY_AFTER_CAP_MS));
}
