import type { EntityManager } from "@mikro-orm/postgresql";
import { v7 as uuidv7 } from "uuid";
import type { WebhookConfig } from "../config";
import { serviceContext } from "../core/service-context";
import { publicEventData } from "../events/public-payload";
import type { KeyCrypto } from "../keys/key-crypto";
import { DeliveryWaves } from "./delivery-waves";
import { WebhookAttemptTrigger } from "./webhook-enums";
import { recordFailure, WEBHOOK_DELIVERY_ORIGIN } from "./webhook-failure";
import { type FannedOut, fanOutEvents } from "./webhook-fan-out";
import { deliveryLeaseMs, PARALLEL_WAVES, WAVE_SIZE } from "./webhook-jobs";
import { type AttemptRow, type ClaimedMessage, claimMessages, settleSuccesses } from "./webhook-messages";
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
 * The most messages of a process born claimed (by its fan-outs, as they make them) and still
 * waiting for their wave; beyond it they are claimed when their wave comes. At the 1,000 deliveries a second one process made in the
 * bench on a busy machine, they go out within about three seconds, well within a lease
 * (`deliveryLeaseMs`: 35 s by default, of which an attempt's own timeout takes 15).
 */
const BORN_CLAIMED_BUDGET = 3_000;

/**
 * The most of {@link BORN_CLAIMED_BUDGET} one fan-out may take: the jobs of a burst start together,
 * and the first must not hold the whole budget while it makes a few hundred messages.
 */
const BORN_CLAIMED_PER_FAN_OUT = 500;

/** A message to claim and send, or one claimed already (born claimed by a fan-out). */
type Delivery = { messageId: string; trigger: WebhookAttemptTrigger } | { claimed: ClaimedMessage };

/**
 * Makes one attempt of each of some messages, in waves shared by every job of this process
 * (`DeliveryWaves`): a wave claims its messages in one statement (so no other worker sends them
 * meanwhile), signs and sends them side by side outside any transaction, then records the
 * outcomes: every success in one statement, each failure with what follows it in its own
 * transaction. An outcome counts only while its claim holds (`lease_until` is the claim's token):
 * a claim that ran out belongs to whoever took the message next. The fan-out, claim and settlement
 * statements go through `boundRows`, which takes a pooled connection of its own: a fork of the
 * entity manager would be made for nothing.
 */
export class WebhookDelivery {
  private readonly waves = new DeliveryWaves<Delivery>({
    waveSize: WAVE_SIZE,
    parallelWaves: PARALLEL_WAVES,
    run: (deliveries) => this.deliverWave(deliveries),
  });

  /**
   * How much of {@link BORN_CLAIMED_BUDGET} is held: by fan-outs making their messages, then by the
   * messages they made claimed until their wave starts (from then on their attempt is under way).
   */
  private bornClaimed = 0;

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
   * Fans events out (`fanOutEvents`) and sends what that leaves to send: the messages born claimed,
   * and any an earlier run made and never sent. Resolves once each was attempted.
   */
  async fanOut(eventIds: readonly string[]): Promise<void> {
    // Born claimed only as many as go out soon: a lease runs while its message waits its turn.
    const claimLimit = Math.max(0, Math.min(BORN_CLAIMED_PER_FAN_OUT, BORN_CLAIMED_BUDGET - this.bornClaimed));
    this.bornClaimed += claimLimit;
    let made: FannedOut;
    try {
      made = await fanOutEvents(this.em, eventIds, { leaseMs: deliveryLeaseMs(this.config.timeoutMs), claimLimit });
    } catch (error) {
      this.bornClaimed -= claimLimit;
      throw error;
    }
    // What it did not use is free for the next fan-out at once; the rest as its messages' waves start.
    this.bornClaimed -= claimLimit - made.claimed.length;
    await Promise.all([this.waves.add(made.claimed.map((message) => ({ claimed: message }))), this.deliver(made.pending)]);
  }

  /** Resolves once each message was attempted (or was not due, or was claimed elsewhere). */
  deliver(messageIds: readonly string[], trigger: WebhookAttemptTrigger = WebhookAttemptTrigger.SCHEDULED): Promise<void> {
    return this.waves.add(messageIds.map((messageId) => ({ messageId, trigger })));
  }

  private async deliverWave(deliveries: Delivery[]): Promise<void> {
    const triggerOf = new Map<string, WebhookAttemptTrigger>();
    const claimed: ClaimedMessage[] = [];
    for (const delivery of deliveries) {
      if ("claimed" in delivery) claimed.push(delivery.claimed);
      else triggerOf.set(delivery.messageId, delivery.trigger);
    }
    // The born-claimed messages no longer wait their turn: the next fan-outs may claim as many.
    this.bornClaimed -= claimed.length;
    if (triggerOf.size) claimed.push(...(await claimMessages(this.em, [...triggerOf.keys()], deliveryLeaseMs(this.config.timeoutMs))));
    const results = await this.send(claimed);
    const successes: AttemptRow[] = [];
    const failures: Outcome[] = [];
    for (let index = 0; index < claimed.length; index++) {
      const message = claimed[index] as ClaimedMessage;
      const { result, headers } = results[index] as Sent;
      const attempt = attemptRow(message, result, headers, triggerOf.get(message.id) ?? WebhookAttemptTrigger.SCHEDULED);
      if (succeeded(result)) successes.push(attempt);
      else failures.push({ message, result, attempt });
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
  private async send(messages: ClaimedMessage[]): Promise<Sent[]> {
    const timestamp = new Date();
    const bodies = new Map<string, Buffer>();
    const sent: Sent[] = new Array(messages.length);
    const requests: WebhookRequest[] = [];
    const requested: number[] = [];
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index] as ClaimedMessage;
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

  private headers(message: ClaimedMessage, timestamp: Date, body: Buffer): Record<string, string> {
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
function bodyOf(message: ClaimedMessage, bodies: Map<string, Buffer>): Buffer {
  const known = bodies.get(message.event_id);
  if (known !== undefined) return known;
  const body = Buffer.from(webhookBody(message));
  bodies.set(message.event_id, body);
  return body;
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
