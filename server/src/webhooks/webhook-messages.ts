import { hash } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { boundRows } from "../db/bound-rows";
import type { WebhookAttemptTrigger, WebhookMessageStatus } from "./webhook-enums";
import { uuidArray } from "./webhook-jobs";

/**
 * Every change of a message's status, in one place. A message whose endpoint sends at once is
 * first sent by the fan-out that makes it and only then recorded, with its first attempt
 * (`recordFirstAttempts`): SUCCEEDED, or DELIVERING under a lease for its failure to be settled
 * like any other. Every other message is born PENDING and due; a claim makes it DELIVERING under a
 * lease; the attempt's outcome settles it as SUCCEEDED, PENDING again (a retry, due later), FAILED
 * or CANCELLED, but only while its claim holds. A disabled endpoint cancels what is PENDING;
 * redelivery and recovery make settled messages PENDING again. A claim whose lease ran out (its
 * process died) may be taken again.
 */

// Plans. The statements that take messages by key write their conditions on `status` and
// `next_attempt_at` as `(…) is true`, which means the same in a WHERE clause, so that the planner
// cannot serve them from the partial due index (`webhook_messages_due_index`: every PENDING or
// DELIVERING message), only from a unique key. In a burst the due index holds the whole backlog
// while the statistics still say it is nearly empty (autovacuum analyses a minute later, if at
// all), and a plan that walked it made every claim and settlement of a wave scan every message in
// flight: 75 ms instead of 2 for 50 messages in the fan-out bench.

/**
 * A message's ID, made from its event and endpoint: a fan-out that runs again (its process died
 * while sending) makes the same IDs, so what it sends again carries the same `webhook-id`, which
 * receivers use to drop duplicates. A UUIDv7 of the event's time keeps the message log in order.
 */
export function messageIdOf(eventId: string, endpointId: string, occurredAt: Date): string {
  // 48 bits of milliseconds, then the version (7), 12 bits of the hash, the variant (10) and 62 more.
  const hex = hash("sha256", `${eventId}/${endpointId}`, "hex");
  const time = occurredAt.getTime().toString(16).padStart(12, "0").slice(-12);
  const variant = ((Number.parseInt(hex.charAt(3), 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex.slice(0, 3)}-${variant}${hex.slice(4, 7)}-${hex.slice(7, 19)}`;
}

/** A message with what sending it needs: its endpoint and its event. */
export interface OutgoingMessage {
  id: string;
  attempt_count: number;
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

/** A message claimed in the table, to send. */
export interface ClaimedMessage extends OutgoingMessage {
  /** The claim's `lease_until`, as the database printed it: outcomes are recorded only while it holds. */
  lease_token: string;
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
}

/**
 * A message a fan-out makes: an event for an endpoint; whether the endpoint sends now (not paused);
 * and whether the fan-out holds it to send itself, recording it only then (`recordFirstAttempts`).
 */
export interface NewMessage {
  id: string;
  eventId: string;
  endpointId: string;
  sendsNow: boolean;
  held: boolean;
}

/** What became of a fan-out's messages in the table. */
export interface CreatedMessages {
  /** Messages of endpoints that send now, pending in the table: made now beyond what the fan-out holds, or before and never sent. */
  pending: string[];
  /** IDs this run gave messages of endpoints that send now which an earlier run made (whatever became of them): not to send again. */
  madeBefore: Set<string>;
}

/**
 * Records the messages a fan-out does not hold, one per event and endpoint, as PENDING and due, in
 * one statement; a message that exists already is left as it is. Those of endpoints that send now
 * come back as `pending`, to be claimed when their wave comes; a paused endpoint's wait for it to
 * resume. The same statement finds the messages an earlier run of the fan-out made: those still
 * pending come back with the others, and held ones made before are not sent again from here.
 */
export async function createMessages(em: EntityManager, messages: NewMessage[]): Promise<CreatedMessages> {
  if (!messages.length) return { pending: [], madeBefore: new Set() };
  const rows = await boundRows<{ id: string; made_for: string | null; status: string }>(
    em,
    `with wanted as (
       select * from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::boolean[], ?::boolean[]) as wanted (id, endpoint_id, event_id, sends_now, held)
     ), created as (
       insert into webhook_messages (id, endpoint_id, event_id, next_attempt_at, status)
       select id, endpoint_id, event_id, now(), 'PENDING' from wanted where not held
       -- Either key: the same message made by a concurrent run conflicts on both.
       on conflict do nothing
       returning id
     )
     select created.id, null::uuid as made_for, 'PENDING' as status from created join wanted on wanted.id = created.id where wanted.sends_now
     union all
     -- The statement's snapshot predates its own insert: this finds only messages made before.
     -- On the (endpoint, event) key, by the lists of both (see Plans, at the top): a lateral lookup
     -- per message was planned as a scan of every message, joined, once the table had a few thousand.
     -- made_for: the ID this run gave the same message (one made before IDs came from event and endpoint has another).
     select m.id, wanted.id, m.status from webhook_messages m
       join wanted on wanted.endpoint_id = m.endpoint_id and wanted.event_id = m.event_id
     where m.endpoint_id = any(?::uuid[]) and m.event_id = any(?::uuid[]) and wanted.sends_now`,
    [
      uuidArray(messages.map((message) => message.id)),
      uuidArray(messages.map((message) => message.endpointId)),
      uuidArray(messages.map((message) => message.eventId)),
      `{${messages.map((message) => message.sendsNow).join(",")}}`,
      `{${messages.map((message) => message.held).join(",")}}`,
      uuidArray([...new Set(messages.map((message) => message.endpointId))]),
      uuidArray([...new Set(messages.map((message) => message.eventId))]),
    ],
  );
  const pending: string[] = [];
  const madeBefore = new Set<string>();
  for (const row of rows) {
    if (row.status === "PENDING") pending.push(row.id);
    if (row.made_for !== null) madeBefore.add(row.made_for);
  }
  // In the order of their IDs (their events' times), as the waves should send them.
  return { pending: pending.sort(), madeBefore };
}

/** A first attempt a fan-out made of a message it held, to record with the message. */
export interface FirstAttempt extends AttemptRow {
  event_id: string;
  succeeded: boolean;
}

/**
 * Records messages a fan-out held, each with its first attempt, in one statement (atomic on its
 * own): a success as SUCCEEDED with its attempt (ending its endpoint's failing run); a failure as
 * DELIVERING under a lease of `leaseMs`, whose token comes back by message ID for the failure to be
 * settled as any other (`recordFailure`), or sent again by the rescue sweep should the process die
 * first. A message recorded meanwhile (by another run of the same fan-out) is left as it is, and so
 * is the attempt; one whose endpoint or event was deleted meanwhile is not recorded at all. A
 * message is written once, not made and then settled: half the row versions of the old way.
 *
 * When every attempt succeeded, its commit does not wait for the WAL to reach the disk, as in
 * `settleSuccesses` (see there). The fan-out job's completion, committed later, waits, and so
 * flushes this first; should PostgreSQL crash before, the record is lost as a whole and the job
 * runs again, sending the messages again under the same `webhook-id`. With a failure among them
 * it waits too: the failure's settlement that follows must find its message.
 */
export async function recordFirstAttempts(em: EntityManager, attempts: FirstAttempt[], leaseMs: number): Promise<Map<string, string>> {
  if (!attempts.length) return new Map();
  const rows = await boundRows<{ id: string; lease_token: string }>(
    em,
    `with done as (
       select done.* from jsonb_to_recordset(?::jsonb) as done (id uuid, message_id uuid, endpoint_id uuid, event_id uuid,
         succeeded boolean, trigger text, url text, request_headers jsonb, response_status int, response_body text, latency_ms int)
       -- For this transaction only (see settleSuccesses and above); the plan may run it once per row, setting the same value.
       cross join (select set_config('synchronous_commit', ?, true)) as commit_mode
     ), recorded as (
       insert into webhook_messages (id, endpoint_id, event_id, status, attempt_count, delivered_at, next_attempt_at, lease_until)
       select done.message_id, done.endpoint_id, done.event_id,
         case when done.succeeded then 'SUCCEEDED' else 'DELIVERING' end,
         case when done.succeeded then 1 else 0 end,
         case when done.succeeded then now() end,
         case when done.succeeded then null else now() end,
         case when done.succeeded then null else now() + ?::double precision * interval '1 millisecond' end
       from done
       where done.endpoint_id in (select id from webhook_endpoints where id = any(?::uuid[]))
         and done.event_id in (select id from domain_events where id = any(?::uuid[]))
       -- Either key: the same message recorded by a concurrent run conflicts on both.
       on conflict do nothing
       returning id, endpoint_id, status, lease_until::text as lease_token
     ), attempts as (
       insert into webhook_attempts (id, message_id, trigger, url, request_headers, response_status, response_body, latency_ms, error)
       select done.id, done.message_id, done.trigger, done.url, done.request_headers, done.response_status, done.response_body,
         done.latency_ms, null
       from done join recorded on recorded.id = done.message_id where recorded.status = 'SUCCEEDED'
     ), recovered as (
       update webhook_endpoints set failing_since = null
       where id in (select endpoint_id from recorded where status = 'SUCCEEDED') and failing_since is not null
     )
     select id, lease_token from recorded where status = 'DELIVERING'`,
    [
      JSON.stringify(attempts),
      attempts.every((attempt) => attempt.succeeded) ? "off" : "on",
      leaseMs,
      uuidArray([...new Set(attempts.map((attempt) => attempt.endpoint_id))]),
      uuidArray([...new Set(attempts.map((attempt) => attempt.event_id))]),
    ],
  );
  return new Map(rows.map((row) => [row.id, row.lease_token]));
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
export async function settleSuccesses(em: EntityManager, attempts: Array<AttemptRow & { lease_token: string }>): Promise<void> {
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

/**
 * Records held messages that will not be sent now, as `status` (PENDING and due, for a paused
 * endpoint: they go on resume; CANCELLED, for a disabled one: recovery may send them again). A
 * message recorded meanwhile is left as it is.
 */
export async function recordUnsent(
  em: EntityManager,
  messages: ReadonlyArray<Pick<OutgoingMessage, "id" | "endpoint_id" | "event_id">>,
  status: "PENDING" | "CANCELLED",
): Promise<void> {
  if (!messages.length) return;
  await boundRows(
    em,
    `insert into webhook_messages (id, endpoint_id, event_id, next_attempt_at, status)
     select id, endpoint_id, event_id, case when ? = 'PENDING' then now() end, ?
     from unnest(?::uuid[], ?::uuid[], ?::uuid[]) as unsent (id, endpoint_id, event_id)
     where endpoint_id in (select id from webhook_endpoints where id = any(?::uuid[]))
       and event_id in (select id from domain_events where id = any(?::uuid[]))
     on conflict do nothing`,
    [
      status,
      status,
      uuidArray(messages.map((message) => message.id)),
      uuidArray(messages.map((message) => message.endpoint_id)),
      uuidArray(messages.map((message) => message.event_id)),
      uuidArray([...new Set(messages.map((message) => message.endpoint_id))]),
      uuidArray([...new Set(messages.map((message) => message.event_id))]),
    ],
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
