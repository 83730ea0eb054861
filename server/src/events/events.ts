/** Every domain event type. Consumers (webhooks, subscriptions, caches) match on these strings. */
export enum EventType {
  KEY_CREATED = "key.created",
  KEY_UPDATED = "key.updated",
  KEY_REVEALED = "key.revealed",
  KEY_ROTATED = "key.rotated",
  KEY_REVOKED = "key.revoked",
  KEY_DELETED = "key.deleted",
  KEY_LEAKED = "key.leaked",
  KEY_EXPIRING = "key.expiring",
  KEY_EXPIRED = "key.expired",
  KEY_DISABLED_FOR_INACTIVITY = "key.disabled_for_inactivity",
  KEY_DELETED_FOR_INACTIVITY = "key.deleted_for_inactivity",
  MEMBER_ADDED = "member.added",
  MEMBER_ROLE_CHANGED = "member.role_changed",
  MEMBER_REMOVED = "member.removed",
  /** Sent to one endpoint only, on request, to try it out. */
  WEBHOOK_TEST = "webhook.test",
  WEBHOOK_DISABLED = "webhook.disabled",
  WEBHOOK_ATTEMPT_EXHAUSTED = "webhook.attempt.exhausted",
}

/** Key events after which a cached verification result may be wrong. */
const KEY_INVALIDATING_EVENTS: ReadonlySet<string> = new Set([
  EventType.KEY_UPDATED,
  EventType.KEY_ROTATED,
  EventType.KEY_REVOKED,
  EventType.KEY_DELETED,
  EventType.KEY_LEAKED,
  EventType.KEY_EXPIRED,
  EventType.KEY_DISABLED_FOR_INACTIVITY,
  EventType.KEY_DELETED_FOR_INACTIVITY,
]);

/**
 * Whether an event of this type may make a cached verification of its subject key wrong. The one rule
 * for both the instance that commits the change (`commitChange`) and every instance that hears it.
 */
export function invalidatesKey(type: string): boolean {
  return KEY_INVALIDATING_EVENTS.has(type);
}

/**
 * Events that only tell every instance's caches of callers (sessions, memberships, permissions) what
 * to forget. They carry no organisation, so no webhook receives them, and they are not among the
 * types clients may name (`EventType`). The subject is what the type says.
 */
export enum CallerEventType {
  /** A session was signed out or revoked; subject: the session. */
  SESSION_ENDED = "caller.session_ended",
  /** A user's memberships changed (added, role changed, removed) or the user is gone; subject: the user. */
  USER_CHANGED = "caller.user_changed",
  /** A role's permissions changed or the role was deleted; subject: the role. */
  ROLE_CHANGED = "caller.role_changed",
  /** An organisation was deleted, with every membership in it; subject: the organisation. */
  ORGANIZATION_DELETED = "caller.organization_deleted",
}

/** What a cache of callers must forget after an event: one subject of one kind. */
export interface CallerChange {
  kind: "session" | "user" | "role" | "organization";
  id: string;
}

const CALLER_CHANGE_KINDS: ReadonlyMap<string, CallerChange["kind"]> = new Map([
  [CallerEventType.SESSION_ENDED, "session"],
  [CallerEventType.USER_CHANGED, "user"],
  [CallerEventType.ROLE_CHANGED, "role"],
  [CallerEventType.ORGANIZATION_DELETED, "organization"],
]);

/**
 * What an event makes cached callers forget, or null. The one rule for the instance that commits the
 * change (`commitChange`) and every instance that hears its NOTIFY, as `invalidatesKey` is for keys.
 */
export function callerChangeOf(type: string, subjectId: string | null): CallerChange | null {
  const kind = CALLER_CHANGE_KINDS.get(type);
  return kind && subjectId ? { kind, id: subjectId } : null;
}
