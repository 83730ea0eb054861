import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditAction } from "../audit/audit-action";
import { recordChange, recordEvent } from "../core/record-change";
import { jobOrigin, type ServiceContext } from "../core/service-context";
import { EventType } from "../events/events";
import { ApiKey } from "../keys/api-key.entity";
import { KeyState } from "../keys/key-enums";
import { keyEventPayload } from "../keys/key-events";
import { notifyKeyPeople } from "../notifications/notifications.service";
import { KeyClock } from "./key-warning.entity";

const DAY = 86_400_000;
const BATCH = 500;
/** Keys disabled for inactivity are deleted this many days later if still unused. */
export const DELETE_AFTER_DISABLED_DAYS = 30;

export interface SweepResult {
  warnings: number;
  expired: number;
  disabled: number;
  deleted: number;
}

/** Where the sweep's changes come from, in the audit log: the job, with no client. */
export const EXPIRY_SWEEP_ORIGIN = jobOrigin("expiry-sweep");

/**
 * What the sweep needs: the database, the origin its changes are recorded under, and the clock that
 * says what "now" is (a test passes one to move time on). It acts as nobody: no actor.
 */
export type SweepContext = Pick<ServiceContext, "em" | "origin" | "clock">;

/** The context changes are recorded with: the sweep's own, with no actor. */
type JobContext = Pick<ServiceContext, "actor" | "origin" | "clock">;

/** Loads keys for event payloads, in the sweep's transaction. */
function keysById(em: EntityManager, ids: string[]) {
  return em.find(ApiKey, { id: { $in: ids } }).then((keys) => new Map(keys.map((key) => [key.id, key])));
}

/**
 * The keys (and thresholds) whose warning on one clock is due and not yet given, at most `:batch`.
 * Every condition on a key column is written so that an index can serve it (sargable): the expiry
 * index for one clock, the (organisation, last use) expression index for the other.
 */
export function dueWarningsSql(clock: KeyClock): string {
  if (clock === KeyClock.EXPIRY) {
    // \`:horizon\` is the largest warning threshold of any organisation: it bounds the index range.
    return `select k.id, k.expires_at as deadline, t.days
      from api_keys k
      join organizations o on o.id = k.organization_id
      cross join lateral unnest(o.expiry_warning_days) as t(days)
      where k.state = 'ACTIVE'
        and k.expires_at > :now and k.expires_at <= cast(:now as timestamptz) + make_interval(days => :horizon)
        and k.expires_at <= cast(:now as timestamptz) + make_interval(days => t.days)
        and not exists (select 1 from key_warnings w
                        where w.key_id = k.id and w.clock = :clock and w.threshold_days = t.days and w.deadline = k.expires_at)
      limit :batch`;
  }
  // Per organisation and threshold (LATERAL), so each lookup is a range on the
  // (organisation, last use) expression index with that organisation's own inactivity period.
  return `select k.id, k.deadline, t.days
    from organizations o
    cross join lateral unnest(o.expiry_warning_days) as t(days)
    cross join lateral (
      select k.id, coalesce(k.last_used_at, k.created_at) + make_interval(days => o.inactivity_days) as deadline
      from api_keys k
      where k.organization_id = o.id and k.state = 'ACTIVE'
        and coalesce(k.last_used_at, k.created_at) > cast(:now as timestamptz) - make_interval(days => o.inactivity_days)
        and coalesce(k.last_used_at, k.created_at) <= cast(:now as timestamptz) + make_interval(days => t.days - o.inactivity_days)
      offset 0 -- keeps the planner from flattening this into one join over all keys
    ) k
    where not exists (select 1 from key_warnings w
                      where w.key_id = k.id and w.clock = :clock and w.threshold_days = t.days and w.deadline = k.deadline)
    limit :batch`;
}

/** Active keys past their expiry, at most \`:batch\`. */
export const EXPIRED_SQL = "select k.id from api_keys k where k.state = 'ACTIVE' and k.expires_at <= :now limit :batch";

/** Keys of one state unused since before \`:now\` minus their organisation's inactivity period plus \`extraDays\`, per organisation. */
function unusedSince(state: "ACTIVE" | "DISABLED", extraDays: number) {
  return `select k.id from organizations o
    cross join lateral (
      select k.id from api_keys k
      where k.organization_id = o.id and k.state = '${state}'
        and coalesce(k.last_used_at, k.created_at) <= cast(:now as timestamptz) - make_interval(days => o.inactivity_days + ${extraDays})
      offset 0 -- keeps the planner from flattening this into one join over all keys
    ) k
    limit :batch`;
}

/** Active keys unused for their organisation's inactivity period, at most \`:batch\`. */
export const INACTIVE_SQL = unusedSince("ACTIVE", 0);

/** Disabled keys still unused well past their inactivity deadline, at most \`:batch\`. */
export const DELETABLE_SQL = unusedSince("DISABLED", DELETE_AFTER_DISABLED_DAYS);

/** The largest warning threshold any organisation uses, in days. */
export async function warningHorizon(em: EntityManager): Promise<number> {
  const [row] = await em
    .getConnection()
    .execute<Array<{ horizon: number }>>("select coalesce(max(d), 0)::int as horizon from organizations, unnest(expiry_warning_days) d");
  return Number(row?.horizon ?? 0);
}

/**
 * Records the warnings that have come due for one clock, in one statement: candidates come from an
 * index range (expiry, or the inactivity expression index), the unique index on key_warnings keeps
 * each warning to exactly one, and only the tightest newly due threshold of a key is announced.
 */
async function warn(em: EntityManager, job: JobContext, clock: KeyClock, now: Date): Promise<number> {
  const horizon = await warningHorizon(em);
  let announced = 0;
  for (;;) {
    const rows: Array<{ key_id: string; threshold: number; deadline: Date }> = await em.transactional(async (tx) => {
      const due: Array<{ key_id: string; threshold: number; deadline: Date }> = await tx.getConnection().execute(
        tx.getKnex().raw(
          `with candidates as (${dueWarningsSql(clock)}), inserted as (
             insert into key_warnings (id, key_id, clock, threshold_days, deadline, created_at)
             select gen_random_uuid(), id, :clock, days, deadline, :now from candidates
             on conflict do nothing
             returning key_id, threshold_days, deadline
           )
           select key_id, min(threshold_days) as threshold, deadline from inserted group by key_id, deadline`,
          { now: now.toISOString(), clock, batch: BATCH, horizon },
        ),
        [],
        "all",
        tx.getTransactionContext(),
      );
      const keys = await keysById(
        tx,
        due.map((row) => row.key_id),
      );
      for (const row of due) {
        const key = keys.get(row.key_id);
        if (!key) continue;
        const daysLeft = Math.max(0, Math.round((new Date(row.deadline).getTime() - now.getTime()) / DAY));
        const event = recordEvent(tx, job, {
          type: EventType.KEY_EXPIRING,
          organizationId: key.organization.id,
          subjectId: key.id,
          payload: keyEventPayload(key, { clock, thresholdDays: row.threshold, daysLeft, deadline: new Date(row.deadline).toISOString() }),
        });
        const what = clock === KeyClock.EXPIRY ? "expires" : "will be disabled for inactivity";
        notifyKeyPeople(tx, key, event, `Key "${key.name}" ${what} in ${daysLeft} day${daysLeft === 1 ? "" : "s"}.`);
      }
      return due;
    });
    announced += rows.length;
    if (!rows.length) return announced;
  }
}

/**
 * Moves keys whose clock has run out to their next state, a batch per transaction, rows locked with
 * SKIP LOCKED so concurrent sweeps share the work instead of repeating it.
 */
async function transition(
  em: EntityManager,
  now: Date,
  select: string,
  apply: (tx: EntityManager, key: ApiKey) => Promise<void>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await em.transactional(async (tx) => {
      const rows: Array<{ id: string }> = await tx
        .getConnection()
        .execute(
          tx.getKnex().raw(`${select} for update of k skip locked`, { now: now.toISOString(), batch: BATCH }),
          [],
          "all",
          tx.getTransactionContext(),
        );
      const keys = await keysById(
        tx,
        rows.map((row) => row.id),
      );
      for (const key of keys.values()) await apply(tx, key);
      return rows.length;
    });
    total += count;
    if (count < BATCH) return total;
  }
}

/**
 * Records what the sweep did to a key when a clock ran out (audit entry and domain event, through
 * `recordChange`) and tells the key's people, in the sweep's transaction `tx`.
 */
function recordDeadlineChange(
  tx: EntityManager,
  job: JobContext,
  key: ApiKey,
  action: AuditAction,
  type: EventType,
  message: string,
  details: Record<string, unknown> = {},
) {
  const event = recordChange(tx, job, {
    action,
    organizationId: key.organization.id,
    targetType: "ApiKey",
    targetId: key.id,
    metadata: details,
    event: { type, payload: keyEventPayload(key, details) },
  });
  if (event) notifyKeyPeople(tx, key, event, message);
}

/** One pass over both clocks, as of `ctx.clock.now()`: warnings, expiries, inactivity disables and deletions. */
export async function sweepKeyDeadlines(ctx: SweepContext): Promise<SweepResult> {
  const { em } = ctx;
  const job: JobContext = { actor: null, origin: ctx.origin, clock: ctx.clock };
  const now = ctx.clock.now();
  const warnings = (await warn(em, job, KeyClock.EXPIRY, now)) + (await warn(em, job, KeyClock.INACTIVITY, now));

  const expired = await transition(em, now, EXPIRED_SQL, async (tx, key) => {
    key.state = KeyState.EXPIRED;
    recordDeadlineChange(tx, job, key, AuditAction.KEY_EXPIRED, EventType.KEY_EXPIRED, `Key "${key.name}" has expired.`);
  });

  const disabled = await transition(em, now, INACTIVE_SQL, async (tx, key) => {
    key.state = KeyState.DISABLED;
    recordDeadlineChange(
      tx,
      job,
      key,
      AuditAction.KEY_DISABLED_FOR_INACTIVITY,
      EventType.KEY_DISABLED_FOR_INACTIVITY,
      `Key "${key.name}" was disabled because it was not used; it will be deleted in ${DELETE_AFTER_DISABLED_DAYS} days.`,
      { reason: "unused for the organisation's inactivity period" },
    );
  });

  const deleted = await transition(em, now, DELETABLE_SQL, async (tx, key) => {
    recordDeadlineChange(
      tx,
      job,
      key,
      AuditAction.KEY_DELETED_FOR_INACTIVITY,
      EventType.KEY_DELETED_FOR_INACTIVITY,
      `Key "${key.name}" was deleted after a long time unused.`,
      {
        name: key.name,
      },
    );
    await tx.nativeDelete(ApiKey, { id: key.id });
  });

  return { warnings, expired, disabled, deleted };
}
