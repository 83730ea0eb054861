import type { EntityManager } from "@mikro-orm/postgresql";
import { boundRows } from "../db/bound-rows";
import { WebhookEndpointStatus } from "./webhook-enums";
import { uuidArray } from "./webhook-jobs";
import { type OutgoingMessage, recordUnsent } from "./webhook-messages";

interface EndpointNow {
  id: string;
  status: WebhookEndpointStatus;
  url: string;
  sealed_secret: string;
  previous_sealed_secret: string | null;
  previous_secret_expires_at: string | null;
  failing_since: string | null;
}

/**
 * Held messages as their wave is about to send them, with their endpoints as they are now: a held
 * message may have waited its turn for a while, and meanwhile its endpoint was paused, disabled,
 * deleted, or given another URL or secret. Those of enabled endpoints come back to send, with the
 * endpoint's current URL and secrets; a paused endpoint's are recorded pending (they go on resume),
 * a disabled one's cancelled (as its pending messages were), and a deleted one's are dropped. One
 * statement reads the endpoints, however many messages.
 */
export async function heldToSend(em: EntityManager, held: readonly OutgoingMessage[]): Promise<OutgoingMessage[]> {
  if (!held.length) return [];
  const endpoints = await boundRows<EndpointNow>(
    em,
    `select id, status, url, sealed_secret, previous_sealed_secret, previous_secret_expires_at, failing_since
     from webhook_endpoints where id = any(?::uuid[])`,
    [uuidArray([...new Set(held.map((message) => message.endpoint_id))])],
  );
  const now = new Map(endpoints.map((endpoint) => [endpoint.id, { status: endpoint.status, sending: sendingFields(endpoint) }]));
  const toSend: OutgoingMessage[] = [];
  const paused: OutgoingMessage[] = [];
  const disabled: OutgoingMessage[] = [];
  for (const message of held) {
    const endpoint = now.get(message.endpoint_id);
    if (!endpoint) continue;
    if (endpoint.status === WebhookEndpointStatus.PAUSED) paused.push(message);
    else if (endpoint.status !== WebhookEndpointStatus.ENABLED) disabled.push(message);
    else toSend.push(sendsAsIs(message, endpoint.sending) ? message : { ...message, ...endpoint.sending });
  }
  await recordUnsent(em, paused, "PENDING");
  await recordUnsent(em, disabled, "CANCELLED");
  return toSend;
}

/** What of an endpoint goes into sending its messages. */
type SendingFields = Pick<
  OutgoingMessage,
  "url" | "sealed_secret" | "previous_sealed_secret" | "previous_secret_expires_at" | "failing_since"
>;

function sendingFields(endpoint: EndpointNow): SendingFields {
  return {
    url: endpoint.url,
    sealed_secret: endpoint.sealed_secret,
    previous_sealed_secret: endpoint.previous_sealed_secret,
    previous_secret_expires_at: dateOf(endpoint.previous_secret_expires_at),
    failing_since: dateOf(endpoint.failing_since),
  };
}

function sendsAsIs(message: OutgoingMessage, now: SendingFields): boolean {
  const time = (date: Date | null) => date?.getTime() ?? null;
  return (
    message.url === now.url &&
    message.sealed_secret === now.sealed_secret &&
    message.previous_sealed_secret === now.previous_sealed_secret &&
    time(message.previous_secret_expires_at) === time(now.previous_secret_expires_at) &&
    time(message.failing_since) === time(now.failing_since)
  );
}

function dateOf(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}
