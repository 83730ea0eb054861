import type { EntityManager } from "@mikro-orm/postgresql";
import { v7 as uuidv7 } from "uuid";
import type { WebhookConfig } from "../config";
import type { KeyCrypto } from "../keys/key-crypto";
import { WebhookAttemptTrigger } from "./webhook-enums";
import { recordFailure } from "./webhook-failure";
import { deliveryLeaseMs, PARALLEL_DELIVERIES, uuidArray } from "./webhook-jobs";
import { type SendResult, sendWebhook } from "./webhook-sender";
import { signatureHeader } from "./webhook-signing";
import type { WebhookTargets } from "./webhook-targets";

export interface ClaimedMessage {
  id: string;
  attempt_count: number;
  /** The claim's `lease_until`, as the database printed it: outcomes are recorded only while it holds. */
  lease_token: string;
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
 * Makes one attempt of each of some messages, in waves of `PARALLEL_DELIVERIES`: claims a wave (so
 * no other worker sends those messages meanwhile), signs and sends it side by side outside any
 * transaction, then records the outcomes: every success in one statement, each failure with what
 * follows it in its own transaction. An outcome counts only while its claim holds (`lease_until`
 * is the claim's token): a claim that ran out belongs to whoever took the message next.
 */
export class WebhookDelivery {
  constructor(
    private readonly em: EntityManager,
    private readonly crypto: KeyCrypto,
    private readonly targets: WebhookTargets,
    private readonly config: WebhookConfig,
  ) {}

  async deliver(messageIds: string[], trigger: WebhookAttemptTrigger = WebhookAttemptTrigger.SCHEDULED): Promise<void> {
    for (let start = 0; start < messageIds.length; start += PARALLEL_DELIVERIES) {
      await this.deliverWave(messageIds.slice(start, start + PARALLEL_DELIVERIES), trigger);
    }
  }

  private async deliverWave(messageIds: string[], trigger: WebhookAttemptTrigger): Promise<void> {
    const claimed = await this.claim(messageIds);
    const outcomes = await Promise.all(claimed.map(async (message) => ({ message, ...(await this.send(message)) })));
    const attempts = outcomes.map(({ message, result, headers }) => ({
      message,
      result,
      attempt: attemptRow(message, result, headers, trigger),
    }));
    await this.recordSuccesses(attempts.filter(({ result }) => succeeded(result)).map(({ attempt }) => attempt));
    for (const failed of attempts.filter(({ result }) => !succeeded(result))) {
      await recordFailure(this.em.fork(), this.config, failed.message, failed.result, failed.attempt);
    }
  }

  /**
   * Messages are claimed when pending and due, or when a claim's lease ran out because its process
   * died mid-attempt; only for enabled endpoints.
   */
  private async claim(messageIds: string[]): Promise<ClaimedMessage[]> {
    const leaseMs = deliveryLeaseMs(this.config.timeoutMs);
    const rows = await this.em.fork().execute<ClaimedMessage[]>(
      `with claimed as (
         update webhook_messages m set status = 'DELIVERING', lease_until = now() + ? * interval '1 millisecond'
         from webhook_endpoints e
         where m.id = any(?::uuid[]) and e.id = m.endpoint_id and e.status = 'ENABLED' and m.next_attempt_at <= now()
           and (m.status = 'PENDING' or (m.status = 'DELIVERING' and m.lease_until < now()))
         returning m.id, m.attempt_count, m.event_id, m.lease_until::text as lease_token, e.id as endpoint_id, e.organization_id,
           e.url, e.sealed_secret, e.previous_sealed_secret, e.previous_secret_expires_at, e.failing_since
       )
       select claimed.*, d.type, d.occurred_at, d.payload from claimed join domain_events d on d.id = claimed.event_id`,
      [leaseMs, uuidArray(messageIds)],
    );
    // Raw rows carry timestamps as text.
    const date = (value: Date | string | null) => (value === null ? null : new Date(value));
    return rows.map((row) => ({
      ...row,
      occurred_at: date(row.occurred_at)!,
      previous_secret_expires_at: date(row.previous_secret_expires_at),
      failing_since: date(row.failing_since),
    }));
  }

  /** Never throws: whatever goes wrong is this attempt's failure, and the wave's other outcomes are kept. */
  private async send(message: ClaimedMessage): Promise<{ result: SendResult; headers: Record<string, string> }> {
    let headers: Record<string, string> = {};
    try {
      const timestamp = new Date();
      const body = webhookBody(message);
      headers = this.headers(message, timestamp, body);
      return { result: await sendWebhook(this.targets, message.url, headers, body, this.config.timeoutMs), headers };
    } catch (error) {
      const reason = error instanceof Error ? error.name : "error";
      return { result: { status: null, body: null, latencyMs: 0, error: `could not be sent (${reason})`, retryAfterMs: null }, headers };
    }
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

  /**
   * Every success in one statement (atomic on its own): the attempts of messages that still exist
   * (an endpoint may have been deleted meanwhile), the messages whose claim still holds, and the end
   * of their endpoints' failing runs.
   */
  private async recordSuccesses(attempts: AttemptRow[]): Promise<void> {
    if (!attempts.length) return;
    await this.em.fork().execute(
      `with done as (
         select * from jsonb_to_recordset(?::jsonb) as done (id uuid, message_id uuid, endpoint_id uuid, trigger text, url text,
           request_headers jsonb, response_status int, response_body text, latency_ms int, lease_token timestamptz)
       ), settled as (
         update webhook_messages m set status = 'SUCCEEDED', attempt_count = m.attempt_count + 1, delivered_at = now(),
           lease_until = null, next_attempt_at = null
         from done where m.id = done.message_id and m.status = 'DELIVERING' and m.lease_until = done.lease_token
         returning m.id, m.endpoint_id
       ), attempts as (
         insert into webhook_attempts (id, message_id, trigger, url, request_headers, response_status, response_body, latency_ms, error)
         select done.id, done.message_id, done.trigger, done.url, done.request_headers, done.response_status, done.response_body,
           done.latency_ms, null
         from done join webhook_messages m on m.id = done.message_id
       )
       update webhook_endpoints set failing_since = null
       where id in (select endpoint_id from settled) and failing_since is not null`,
      [JSON.stringify(attempts)],
    );
  }
}

export interface AttemptRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  trigger: WebhookAttemptTrigger;
  url: string;
  request_headers: Record<string, string>;
  response_status: number | null;
  response_body: string | null;
  latency_ms: number;
  error: string | null;
  lease_token: string;
}

function attemptRow(
  message: ClaimedMessage,
  result: SendResult,
  headers: Record<string, string>,
  trigger: WebhookAttemptTrigger,
): AttemptRow {
  return {
    id: uuidv7(),
    message_id: message.id,
    endpoint_id: message.endpoint_id,
    trigger,
    url: message.url,
    request_headers: headers,
    response_status: result.status,
    response_body: result.body,
    latency_ms: result.latencyMs,
    error: failureOf(result),
    lease_token: message.lease_token,
  };
}

function succeeded(result: SendResult): boolean {
  return result.status !== null && result.status >= 200 && result.status < 300;
}

function failureOf(result: SendResult): string | null {
  if (result.error) return result.error;
  if (result.status === null || (result.status >= 200 && result.status < 300)) return null;
  if (result.status >= 300 && result.status < 400) return `HTTP ${result.status}: redirects are not followed`;
  return `HTTP ${result.status}`;
}
