import type { EntityManager } from "@mikro-orm/postgresql";
import { v7 as uuidv7 } from "uuid";
import type { WebhookConfig } from "../config";
import { serviceContext } from "../core/service-context";
import { publicEventData } from "../events/public-payload";
import type { KeyCrypto } from "../keys/key-crypto";
import { WebhookAttemptTrigger } from "./webhook-enums";
import { recordFailure, WEBHOOK_DELIVERY_ORIGIN } from "./webhook-failure";
import { deliveryLeaseMs, PARALLEL_DELIVERIES } from "./webhook-jobs";
import { type AttemptRow, type ClaimedMessage, claimMessages, settleSuccesses } from "./webhook-messages";
import { type SendResult, sendWebhook } from "./webhook-sender";
import { signatureHeader } from "./webhook-signing";
import type { WebhookTargets } from "./webhook-targets";

/** The JSON body of every webhook: the Standard Webhooks shape, with the event's public data (global IDs). */
export function webhookBody(event: { type: string; occurred_at: Date; payload: Record<string, unknown> }): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurred_at.toISOString(), data: publicEventData(event.payload) });
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
    const claimed = await claimMessages(this.em.fork(), messageIds, deliveryLeaseMs(this.config.timeoutMs));
    const outcomes = await Promise.all(claimed.map(async (message) => ({ message, ...(await this.send(message)) })));
    const attempts = outcomes.map(({ message, result, headers }) => ({
      message,
      result,
      attempt: attemptRow(message, result, headers, trigger),
    }));
    await settleSuccesses(
      this.em.fork(),
      attempts.filter(({ result }) => succeeded(result)).map(({ attempt }) => attempt),
    );
    for (const failed of attempts.filter(({ result }) => !succeeded(result))) {
      await recordFailure(
        serviceContext(this.em, { origin: WEBHOOK_DELIVERY_ORIGIN }),
        this.config,
        failed.message,
        failed.result,
        failed.attempt,
      );
    }
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
