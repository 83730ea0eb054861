import type { EntityManager } from "@mikro-orm/postgresql";
import type { AuditAction } from "../audit/audit-action";
import { AuditEntry } from "../audit/audit-entry.entity";
import { DomainEvent } from "../events/domain-event.entity";
import { type CallerChange, type CallerEventType, callerChangeOf, type EventType, invalidatesKey } from "../events/events";
import type { ServiceContext } from "./service-context";

/** One change as the audit log and the event outbox see it. IDs are database IDs. */
export interface Change {
  action: AuditAction;
  organizationId: string | null;
  targetType: string;
  targetId: string;
  /** Why, where the action asked for a reason. */
  reason?: string | null;
  /** Details for the audit entry, such as changed fields. Never secrets. */
  metadata?: Record<string, unknown>;
  /** Overrides the context's actor, e.g. on sign-up where the actor is the new user. */
  actorUserId?: string | null;
  /** The domain event announcing the change, about its target; none for changes nobody subscribes to. */
  event?: { type: EventType; payload: Record<string, unknown> };
}

/** An event that no audit entry accompanies: warnings, test deliveries, delivery failures. */
export interface EventOnly {
  type: EventType | CallerEventType;
  organizationId: string | null;
  subjectId: string | null;
  /** What consumers need to act, with database IDs; never a secret. */
  payload: Record<string, unknown>;
}

/**
 * The event that makes every instance forget cached callers of `subjectId` (see `CallerEventType`).
 * Record it in the transaction of any change to sessions, memberships or roles made outside the
 * services that already do (members, roles, organisations, sign-out).
 */
export function callerEvent(type: CallerEventType, subjectId: string): EventOnly {
  return { type, organizationId: null, subjectId, payload: {} };
}

/** What `commitChange` hands its work: records changes and events in its transaction. */
export interface Recorder {
  /** Records a change's audit entry and its event, if any; returns the event. */
  change(change: Change): DomainEvent | null;
  /** Publishes an event that is not itself an audited change. */
  event(event: EventOnly): DomainEvent;
}

type ChangeContext = Pick<ServiceContext, "actor" | "origin" | "clock">;

/**
 * Writes a change's audit entry and domain event through `tx`, the transaction of the change itself:
 * both commit with it or not at all. Prefer `commitChange`, which also drops cached verifications.
 */
export function recordChange(tx: EntityManager, ctx: ChangeContext, change: Change): DomainEvent | null {
  const occurredAt = ctx.clock.now();
  tx.persist(
    tx.create(AuditEntry, {
      action: change.action,
      organizationId: change.organizationId,
      targetType: change.targetType,
      targetId: change.targetId,
      reason: change.reason ?? null,
      metadata: change.metadata ?? {},
      actorUserId: change.actorUserId !== undefined ? change.actorUserId : (ctx.actor?.userId ?? null),
      actorKeyId: ctx.actor?.key?.keyId ?? null,
      ipAddress: ctx.origin.ipAddress,
      userAgent: ctx.origin.userAgent,
      requestId: ctx.origin.requestId,
      occurredAt,
    }),
  );
  if (!change.event) return null;
  return recordEvent(tx, ctx, { ...change.event, organizationId: change.organizationId, subjectId: change.targetId });
}

/** Writes an event to the outbox through `tx`, the transaction of what it announces. */
export function recordEvent(tx: EntityManager, ctx: Pick<ServiceContext, "clock">, event: EventOnly): DomainEvent {
  const row = tx.create(DomainEvent, { ...event, occurredAt: ctx.clock.now() });
  tx.persist(row);
  return row;
}

/**
 * Runs `work` in one transaction, recording each change it reports (audit entry and domain event),
 * then, once committed, drops this instance's cached verifications of every key, and cached callers,
 * whose event may make them wrong. Other instances drop theirs when they hear the event's NOTIFY: both
 * decide by the same rules (`invalidatesKey`, `callerChangeOf`).
 */
export async function commitChange<T>(
  ctx: ChangeContext & Pick<ServiceContext, "em" | "keyCache"> & Partial<Pick<ServiceContext, "callerCache">>,
  work: (tx: EntityManager, record: Recorder) => Promise<T>,
): Promise<T> {
  const changedKeys = new Set<string>();
  const callerChanges: CallerChange[] = [];
  const noteKeyChange = (event: DomainEvent | null) => {
    if (event?.subjectId && invalidatesKey(event.type)) changedKeys.add(event.subjectId);
    const callerChange = event && callerChangeOf(event.type, event.subjectId);
    if (callerChange) callerChanges.push(callerChange);
    return event;
  };
  const result = await ctx.em.transactional((tx) =>
    work(tx, {
      change: (change) => noteKeyChange(recordChange(tx, ctx, change)),
      event: (event) => noteKeyChange(recordEvent(tx, ctx, event)) as DomainEvent,
    }),
  );
  for (const keyId of changedKeys) ctx.keyCache.evict(keyId);
  for (const change of callerChanges) ctx.callerCache?.forget(change);
  return result;
}
