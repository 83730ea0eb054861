import type { EntityManager } from "@mikro-orm/postgresql";
import { v7 as uuidv7 } from "uuid";
import type { WebhookConfig } from "../config";
import { serviceContext } from "../core/service-context";
import { publicEventData } from "../events/public-payload";
import type { KeyCrypto } from "../keys/key-crypto";
import { DeliveryWaves } from "./delivery-waves";
import { heldToSend } from "./held-messages";
import { WebhookAttemptTrigger } from "./webhook-enums";
import { recordFailure, WEBHOOK_DELIVERY_ORIGIN } from "./webhook-failure";
import { fanOutEvents } from "./webhook-fan-out";
import { deliveryLeaseMs, PARALLEL_WAVES, WAVE_SIZE } from "./webhook-jobs";
import {
  type AttemptRow,
  type ClaimedMessage,
  claimMessages,
  type FirstAttempt,
  type OutgoingMessage,
  recordFirstAttempts,
  settleSuccesses,
} from "./webhook-messages";
import { type SendResult, sendWebhooks, type WebhookRequest } from "./webhook-sender";
import { EndpointSigners } from "./webhook-signers";
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
 * The most messages one fan-out holds (makes in memory, sends, and records only then); beyond it
 * they are recorded pending and claimed when their wave comes. Held messages wait their turn in
 * this process, covered by the fan-out's job, which no other instance takes up while this one
 * beats (`worker-beats.ts`), and go out with their endpoint as it is when their wave comes
 * (`heldToSend`); so the bound is on memory, not time: a fan-out job is at most 20 events, and a
 * process runs at most `JOB_CONCURRENCY` jobs.
 */
const HELD_PER_FAN_OUT = 2_000;

/** A message to claim and send, or one a fan-out holds (made, not yet recorded). */
type Delivery = { messageId: string; trigger: WebhookAttemptTrigger } | { held: OutgoingMessage };

/**
 * Makes one attempt of each of some messages, in waves shared by every job of this process
 * (`DeliveryWaves`): a wave claims its pending messages in one statement (so no other worker sends
 * them meanwhile) and reads its held messages' endpoints afresh in another, signs and sends them
 * side by side outside any transaction, then records the outcomes: the held messages with their
 * first attempts in one statement, every other success in one more, and each failure with what
 * follows it in its own transaction. A
 * claimed message's outcome counts only while its claim holds (`lease_until` is the claim's
 * token): a claim that ran out belongs to whoever took the message next. The fan-out, claim and
 * record statements go through `boundRows`, which takes a pooled connection of its own: a fork of
 * the entity manager would be made for nothing.
 */
export class WebhookDelivery {
  private readonly waves = new DeliveryWaves<Delivery>({
    waveSize: WAVE_SIZE,
    parallelWaves: PARALLEL_WAVES,
    run: (deliveries) => this.deliverWave(deliveries),
  });

  private readonly signers: EndpointSigners;

  constructor(
    private readonly em: EntityManager,
    crypto: KeyCrypto,
    private readonly targets: WebhookTargets,
    private readonly config: WebhookConfig,
  ) {
    this.signers = new EndpointSigners(crypto);
  }

  /**
   * Fans events out (`fanOutEvents`) and sends what that leaves to send: the messages it holds,
   * and those pending (beyond what it may hold, or made by an earlier run and never sent).
   * Resolves once each was attempted and recorded.
   */
  async fanOut(eventIds: readonly string[]): Promise<void> {
    const made = await fanOutEvents(this.em, eventIds, HELD_PER_FAN_OUT);
    // One caller for both, so that the job settles only once every message was handled: two callers
    // joined by Promise.all would fail the job, and run it again, while the other's were still sent.
    const pending = made.pending.map((messageId) => ({ messageId, trigger: WebhookAttemptTrigger.SCHEDULED }));
    await this.waves.add([...made.held.map((message) => ({ held: message })), ...pending]);
  }

  /** Resolves once each message was attempted (or was not due, or was claimed elsewhere). */
  deliver(messageIds: readonly string[], trigger: WebhookAttemptTrigger = WebhookAttemptTrigger.SCHEDULED): Promise<void> {
    return this.waves.add(messageIds.map((messageId) => ({ messageId, trigger })));
  }

  private async deliverWave(deliveries: Delivery[]): Promise<void> {
    const triggerOf = new Map<string, WebhookAttemptTrigger>();
    const held: OutgoingMessage[] = [];
    for (const delivery of deliveries) {
      if ("held" in delivery) held.push(delivery.held);
      else triggerOf.set(delivery.messageId, delivery.trigger);
    }
    const leaseMs = deliveryLeaseMs(this.config.timeoutMs);
    // What the held messages' endpoints are now: they may have waited their turn a while.
    const sending = await heldToSend(this.em, held);
    const claimed = triggerOf.size ? await claimMessages(this.em, [...triggerOf.keys()], leaseMs) : [];
    const messages: OutgoingMessage[] = sending.length ? [...sending, ...claimed] : claimed;
    const results = await this.send(messages);
    const firstAttempts: FirstAttempt[] = [];
    const successes: Array<AttemptRow & { lease_token: string }> = [];
    const failures: Outcome[] = [];
    const heldFailures: Array<Omit<Outcome, "message"> & { message: OutgoingMessage }> = [];
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index] as OutgoingMessage;
      const { result, headers } = results[index] as Sent;
      const attempt = attemptRow(message, result, headers, triggerOf.get(message.id) ?? WebhookAttemptTrigger.SCHEDULED);
      const ok = succeeded(result);
      if (index < sending.length) {
        firstAttempts.push({ ...attempt, event_id: message.event_id, succeeded: ok });
        if (!ok) heldFailures.push({ message, result, attempt });
      } else if (ok) successes.push({ ...attempt, lease_token: (message as ClaimedMessage).lease_token });
      else failures.push({ message: message as ClaimedMessage, result, attempt });
    }
    // A held message that failed is recorded DELIVERING under a lease, then settled like the others.
    const leases = await recordFirstAttempts(this.em, firstAttempts, leaseMs);
    for (const { message, ...failed } of heldFailures) {
      const leaseToken = leases.get(message.id);
      if (leaseToken !== undefined) failures.push({ ...failed, message: { ...message, lease_token: leaseToken } });
    }
    await settleSuccesses(this.em, successes);
    for (const failed of failures) {
      await recordFailure(
        serviceContext(this.em, { origin: WEBHOOK_DELIVERY_ORIGIN }),
        this.config,
        failed.message,
        failed.result,
        failed.attempt,
      );
    }
  }

  /**
   * Signs and sends a wave's messages side by side (they share one timestamp, and each event's body);
   * resolves with each one's result and the headers it carried. Never rejects: whatever goes wrong
   * is that attempt's failure, and the wave's other outcomes are kept.
   */
  private async send(messages: OutgoingMessage[]): Promise<Sent[]> {
    const timestamp = new Date();
    const bodies = new Map<string, Buffer>();
    const sent: Sent[] = new Array(messages.length);
    const requests: WebhookRequest[] = [];
    const requested: number[] = [];
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index] as OutgoingMessage;
      try {
        const body = bodyOf(message, bodies);
        const headers = this.headers(message, timestamp, body);
        sent[index] = { headers, result: NOT_SENT };
        requests.push({ url: message.url, headers, body });
        requested.push(index);
      } catch (error) {
        const reason = error instanceof Error ? error.name : "error";
        sent[index] = { headers: {}, result: { ...NOT_SENT, error: `could not be sent (${reason})` } };
      }
    }
    const results = await sendWebhooks(this.targets, requests, this.config.timeoutMs);
    for (let at = 0; at < requested.length; at++) (sent[requested[at] as number] as Sent).result = results[at] as SendResult;
    return sent;
  }

  private headers(message: OutgoingMessage, timestamp: Date, body: Buffer): Record<string, string> {
    const id = webhookId(message.id);
    return {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": this.signers.signerOf(message, timestamp)(id, timestamp, body),
    };
  }
}

/** What an attempt did not get to: it was never sent. */
const NOT_SENT: SendResult = { status: null, body: null, latencyMs: 0, error: null, retryAfterMs: null };

/** One message of a wave as sent: the headers it carried, and what came of it. */
interface Sent {
  headers: Record<string, string>;
  result: SendResult;
}

/** One attempt's outcome: what the receiver answered, and the row that records it. */
interface Outcome {
  message: ClaimedMessage;
  result: SendResult;
  attempt: AttemptRow;
}

/**
 * The message's body as sent, made once per event in a wave: an event's messages to every endpoint
 * carry the same bytes, which undici writes and the signature hashes without encoding them again.
 */
function bodyOf(message: OutgoingMessage, bodies: Map<string, Buffer>): Buffer {
  const known = bodies.get(message.event_id);
  if (known !== undefined) return known;
  const body = Buffer.from(webhookBody(message));
  bodies.set(message.event_id, body);
  return body;
}

function attemptRow(
  message: OutgoingMessage,
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
