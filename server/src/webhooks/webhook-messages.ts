import type { EntityManager } from "@mikro-orm/postgresql";
import { v7 as uuidv7 } from "uuid";
import { boundRows } from "../db/bound-rows";
import type { WebhookAttemptTrigger, WebhookMessageStatus } from "./webhook-enums";
import { uuidArray } from "./webhook-jobs";

/**
 * Every change of a message's status, in one place. A message is born PENDING and due, or, when
 * its endpoint sends at once, born claimed (DELIVERING under a lease) by the fan-out that sends
 * it; a claim makes a PENDING message DELIVERING under a lease; the attempt's outcome settles it as SUCCEEDED, PENDING again
 * (a retry, due later), FAILED or CANCELLED, but only while its claim holds. A disabled endpoint
 * cancels what is PENDING; redelivery and recovery make settled messages PENDING again. A claim
 * whose lease ran out (its process died) may be taken again.
 */

// Plans. The statements that take messages by key write their conditions on `status` and
// `next_attempt_at` as `(…) is true`, which means the same in a WHERE clause, so that the planner
// cannot serve them from the partial due index (`webhook_messages_due_index`: every PENDING or
// DELIVERING message), only from a unique key. In a burst the due index holds the whole backlog
// while the statistics still say it is nearly empty (autovacuum analyses a minute later, if at
// all), and a plan that walked it made every claim and settlement of a wave scan every message in
// flight: 75 ms instead of 2 for 50 messages in the fan-out bench.

/** A claimed message with what sending it needs: its endpoint and its event. */
export interface ClaimedMessage {
  id: string;
  attempt_count: number;
  /** The claim's `lease_until`, as the database printed it: outcomes are recorded only while it holds. */
  lease_token: string;
  endpoint_id: string;
  /** Its event: every endpoint's message of one event carries the same body. */
  event_id: string;
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

/** One attempt, as stored. */
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

/** A message a fan-out makes: an event for an endpoint, and whether the endpoint sends now (not paused). */
export interface NewMessage {
  eventId: string;
  endpointId: string;
  sendsNow: boolean;
}

/** What a fan-out made: the messages born claimed by it, and older ones of the same events still pending. */
export interface CreatedMessages {
  /** Born DELIVERING under the caller's lease, to be sent at once: IDs with their claims' tokens, in event order. */
  claimed: Array<{ id: string; endpoint_id: string; event_id: string; lease_token: string }>;
  /** Born PENDING beyond the claim limit, or made by an earlier run of the same fan-out and never sent: to claim first. */
  pending: string[];
}

/**
 * New messages, one per event and endpoint, in one statement; a message that exists already is
 * left as it is. The first `claimLimit` messages whose endpoint sends now are born claimed under a
 * lease of `leaseMs`, which saves each the update a claim is (the fan-out sends them at once;
 * should the process die first, the lease runs out and the rescue sweep queues them). The others
 * are born PENDING and due: those of enabled endpoints come back as `pending`, to be claimed when
 * their wave comes (a lease must not run out while a message waits its turn); a paused endpoint's
 * wait for it to resume. `pending` also holds, when a fan-out runs again, the messages it made
 * before and never sent.
 */
export async function createMessages(
  em: EntityManager,
  messages: NewMessage[],
  { leaseMs, claimLimit }: { leaseMs: number; claimLimit: number },
): Promise<CreatedMessages> {
  if (!messages.length) return { claimed: [], pending: [] };
  const rows = await boundRows<{ id: string; endpoint_id: string; event_id: string; lease_token: string | null }>(
    em,
    `with wanted as (
       select * from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::boolean[]) with ordinality as wanted (id, endpoint_id, event_id, sends_now, position)
     ), created as (
       insert into webhook_messages (id, endpoint_id, event_id, next_attempt_at, status, lease_until)
       select id, endpoint_id, event_id, now(), case when sends_now and position <= ? then 'DELIVERING' else 'PENDING' end,
         case when sends_now and position <= ? then now() + ?::double precision * interval '1 millisecond' end
       from wanted
       on conflict (endpoint_id, event_id) do nothing
       returning id, endpoint_id, event_id, lease_until::text as lease_token
     )
     select created.* from created join wanted on wanted.id = created.id where wanted.sends_now
     union all
     -- The statement's snapshot predates its own insert: this finds only messages made before.
     -- On the (endpoint, event) key, by the lists of both (see Plans, at the top): a lateral lookup
     -- per message was planned as a scan of every message, joined, once the table had a few thousand.
     select m.id, m.endpoint_id, m.event_id, null from webhook_messages m
       join wanted on wanted.endpoint_id = m.endpoint_id and wanted.event_id = m.event_id
     where m.endpoint_id = any(?::uuid[]) and m.event_id = any(?::uuid[]) and (m.status = 'PENDING') is true
       and wanted.sends_now
     order by id`,
    // UUIDv7 IDs (made here: PostgreSQL before 18 has no uuidv7()) keep the message log in order.
    [
      uuidArray(messages.map(() => uuidv7())),
      uuidArray(messages.map((message) => message.endpointId)),
      uuidArray(messages.map((message) => message.eventId)),
      `{${messages.map((message) => message.sendsNow).join(",")}}`,
      claimLimit,
      claimLimit,
      leaseMs,
      uuidArray([...new Set(messages.map((message) => message.endpointId))]),
      uuidArray([...new Set(messages.map((message) => message.eventId))]),
    ],
  );
  const claimed: CreatedMessages["claimed"] = [];
  const pending: string[] = [];
  for (const { lease_token, ...row } of rows) {
    if (lease_token === null) pending.push(row.id);
    else claimed.push({ ...row, lease_token });
  }
  return { claimed, pending };
}

/**
 * Claims messages that are pending and due, or whose claim's lease ran out, for enabled endpoints
 * only; returns them with their endpoint and event. The endpoint's state is a subquery per message,
 * not a join, so that no plan starts from the endpoints and walks each one's messages.
 */
export async function claimMessages(em: EntityManager, messageIds: string[], leaseMs: number): Promise<ClaimedMessage[]> {
  const rows = await boundRows<ClaimedMessage>(
    em,
    `with claimed as (
       update webhook_messages m set status = 'DELIVERING', lease_until = now() + ?::double precision * interval '1 millisecond'
       where m.id = any(?::uuid[]) and (m.next_attempt_at <= now()) is true
         and (m.status = 'PENDING' or (m.status = 'DELIVERING' and m.lease_until < now())) is true
         and (select e.status from webhook_endpoints e where e.id = m.endpoint_id) = 'ENABLED'
       returning m.id, m.attempt_count, m.event_id, m.endpoint_id, m.lease_until::text as lease_token
     )
     select claimed.*, e.organization_id, e.url, e.sealed_secret, e.previous_sealed_secret, e.previous_secret_expires_at,
       e.failing_since, d.type, d.occurred_at, d.payload
     from claimed join webhook_endpoints e on e.id = claimed.endpoint_id join domain_events d on d.id = claimed.event_id`,
    [leaseMs, uuidArray(messageIds)],
  );
  // The driver hands timestamps over as text (MikroORM's type parsers are the connection's).
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return rows.map((row) => ({
    ...row,
    occurred_at: new Date(row.occurred_at),
    previous_secret_expires_at: date(row.previous_secret_expires_at),
    failing_since: date(row.failing_since),
  }));
}

/**
 * Every success in one statement (atomic on its own): the attempts of messages that still exist
 * (an endpoint may have been deleted meanwhile), the messages whose claim still holds, and the end
 * of their endpoints' failing runs. Messages are found by primary key, by the list of their IDs
 * (see Plans, at the top): joined to the attempts alone, the update was planned as a scan of every
 * message once the table had a few thousand, and took twice as long.
 *
 * Its commit does not wait for the WAL to reach the disk (`synchronous_commit` off, for this
 * transaction only): a flush per wave cost PostgreSQL more CPU than the settlement itself. Should
 * PostgreSQL crash within the moment before the WAL writer flushes it, the settlement is lost as
 * a whole, never in part: the messages stay DELIVERING under a lease that runs out, and the rescue
 * sweep sends them again under the same `webhook-id`, as after a crash of Latchkey itself. A later
 * commit that waits (any other) flushes this one first, so nothing that follows it can survive it.
 */
export async function settleSuccesses(em: EntityManager, attempts: AttemptRow[]): Promise<void> {
  if (!attempts.length) return;
  const messageIds = uuidArray(attempts.map((attempt) => attempt.message_id));
  await boundRows(
    em,
    `with done as (
       select done.* from jsonb_to_recordset(?::jsonb) as done (id uuid, message_id uuid, endpoint_id uuid, trigger text, url text,
         request_headers jsonb, response_status int, response_body text, latency_ms int, lease_token timestamptz)
       -- For this transaction only (see above); the plan may run it once per row, setting the same value.
       cross join (select set_config('synchronous_commit', 'off', true)) as asynchronous_commit
     ), settled as (
       update webhook_messages m set status = 'SUCCEEDED', attempt_count = m.attempt_count + 1, delivered_at = now(),
         lease_until = null, next_attempt_at = null
       from done where m.id = any(?::uuid[]) and m.id = done.message_id and (m.status = 'DELIVERING') is true
         and m.lease_until = done.lease_token
       returning m.id, m.endpoint_id
     ), attempts as (
       insert into webhook_attempts (id, message_id, trigger, url, request_headers, response_status, response_body, latency_ms, error)
       select done.id, done.message_id, done.trigger, done.url, done.request_headers, done.response_status, done.response_body,
         done.latency_ms, null
       from done join webhook_messages m on m.id = done.message_id where m.id = any(?::uuid[])
     )
     update webhook_endpoints set failing_since = null
     where id in (select endpoint_id from settled) and failing_since is not null`,
    [JSON.stringify(attempts), messageIds, messageIds],
  );
}

/** Stores a failed attempt, if its message still exists. */
export async function insertAttempt(tx: EntityManager, attempt: AttemptRow): Promise<void> {
  await tx.execute(
    `insert into webhook_attempts (id, message_id, trigger, url, request_headers, response_status, response_body, latency_ms, error)
     select ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ? where exists (select 1 from webhook_messages where id = ?)`,
    [
      attempt.id,
      attempt.message_id,
      attempt.trigger,
      attempt.url,
      JSON.stringify(attempt.request_headers),
      attempt.response_status,
      attempt.response_body,
      attempt.latency_ms,
      attempt.error,
      attempt.message_id,
    ],
  );
}

/** Settles a failed attempt's message, if its claim still holds; says whether it did. By primary key (see Plans, at the top). */
export async function settleFailure(
  tx: EntityManager,
  message: ClaimedMessage,
  outcome: { status: WebhookMessageStatus; attempts: number; nextAttemptAt: Date | null },
): Promise<boolean> {
  const settled = await tx.execute(
    `update webhook_messages set status = ?, attempt_count = ?, lease_until = null, next_attempt_at = ?
     where id = ? and (status = 'DELIVERING') is true and lease_until = ?::timestamptz returning id`,
    [outcome.status, outcome.attempts, outcome.nextAttemptAt, message.id, message.lease_token],
  );
  return settled.length > 0;
}

/** What waits for a disabled endpoint will never go: it is cancelled. */
export async function cancelPendingOf(tx: EntityManager, endpointId: string): Promise<void> {
  await tx.execute(
    "update webhook_messages set status = 'CANCELLED', next_attempt_at = null where endpoint_id = ? and status = 'PENDING'",
    [endpointId],
  );
}

/** A resumed endpoint's kept messages are due now; returns them. */
export async function releaseHeldOf(tx: EntityManager, endpointId: string): Promise<string[]> {
  const rows = await tx.execute<Array<{ id: string }>>(
    "update webhook_messages set next_attempt_at = now() where endpoint_id = ? and status = 'PENDING' returning id",
    [endpointId],
  );
  return rows.map((row) => row.id);
}

/**
 * Starts messages of an endpoint over, with a fresh retry schedule, due now: one message (`messageId`)
 * or every one that failed or was cancelled since a time. Never one whose attempt is in flight.
 */
export async function restartMessages(
  tx: EntityManager,
  endpointId: string,
  which: { messageId: string } | { failedSince: Date },
): Promise<string[]> {
  const [filter, value] =
    "messageId" in which ? ["id = ?", which.messageId] : ["status in ('FAILED', 'CANCELLED') and created_at >= ?", which.failedSince];
  const rows = await tx.execute<Array<{ id: string }>>(
    `update webhook_messages set status = 'PENDING', attempt_count = 0, next_attempt_at = now(), lease_until = null
     where endpoint_id = ? and (status <> 'DELIVERING' or lease_until < now()) and ${filter} returning id`,
    [endpointId, value],
  );
  return rows.map((row) => row.id);
}

/** Messages of enabled endpoints overdue by more than a lease: pending with no job taking them up, or claimed by a process that died. */
export async function overdueMessages(em: EntityManager, leaseMs: number, limit: number): Promise<string[]> {
  const rows = await em.execute<Array<{ id: string }>>(
    `select m.id from webhook_messages m join webhook_endpoints e on e.id = m.endpoint_id
     where m.status in ('PENDING', 'DELIVERING') and m.next_attempt_at < now() - ? * interval '1 millisecond'
       and (m.status = 'PENDING' or m.lease_until < now()) and e.status = 'ENABLED'
     limit ?`,
    [leaseMs, limit],
  );
  return rows.map((row) => row.id);
}
