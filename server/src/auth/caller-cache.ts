import { LRUCache } from "lru-cache";
import type { CallerChange } from "../events/events";
import type { CallerGrants } from "./caller-grants";

/** A session as the cache keeps it: by the token's hash, never the token. */
export interface CachedSession {
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

export interface CallerCacheOptions {
  /** How long an entry may be served; NOTIFY evicts it at once, this is the safety net. 0 disables the cache. */
  ttlMs: number;
  /** Entries of each kind (sessions, users' grants) kept at most; the least recently used go first. */
  maxEntries: number;
}

/**
 * Who a caller is and what they may do, kept in memory so that an authenticated request needs no
 * statement about its caller: sessions by token hash, and each user's grants (role permissions per
 * organisation). Every change that could make an entry wrong records a caller event
 * (`CallerEventType`) with the change; the committing instance forgets at once, every other instance
 * when it hears the outbox's NOTIFY. A lookup that raced with an eviction does not store what it read.
 */
export class CallerCache {
  private readonly sessions: LRUCache<string, CachedSession> | null;
  private readonly grants: LRUCache<string, CallerGrants> | null;
  /** Bumped by every eviction: a lookup that started before one must not cache what it read. */
  private evictions = 0;
  private readonly followers = new Set<(change: CallerChange | null) => void>();

  constructor({ ttlMs, maxEntries }: CallerCacheOptions) {
    this.sessions = ttlMs > 0 ? new LRUCache({ max: maxEntries, ttl: ttlMs }) : null;
    this.grants = ttlMs > 0 ? new LRUCache({ max: maxEntries, ttl: ttlMs }) : null;
  }

  /**
   * Other caches that read grants too (key verifications) forget with this one: `change`, or
   * everything when null.
   */
  onForget(follower: (change: CallerChange | null) => void): void {
    this.followers.add(follower);
  }

  /** Taken before a lookup and handed back to `remember…`: stale if anything was evicted meanwhile. */
  get generation(): number {
    return this.evictions;
  }

  session(tokenHash: string): CachedSession | undefined {
    return this.sessions?.get(tokenHash);
  }

  rememberSession(tokenHash: string, session: CachedSession, generation: number): void {
    if (generation === this.evictions) this.sessions?.set(tokenHash, session);
  }

  grantsOf(userId: string): CallerGrants | undefined {
    return this.grants?.get(userId);
  }

  rememberGrants(userId: string, grants: CallerGrants, generation: number): void {
    // Only complete grants: partial ones would hide memberships they do not name.
    if (grants.complete && generation === this.evictions) this.grants?.set(userId, grants);
  }

  /**
   * Forgets what a change may have made wrong. Changes are rare next to reads, so sessions and grants
   * are found by scanning rather than through indexes that would have to follow every LRU eviction.
   */
  forget(change: CallerChange): void {
    this.evictions++;
    switch (change.kind) {
      case "session":
        this.forgetSessions((session) => session.sessionId === change.id);
        break;
      case "user":
        this.grants?.delete(change.id);
        this.forgetSessions((session) => session.userId === change.id);
        break;
      case "role":
        this.forgetGrants((grants) => [...grants.byOrganization.values()].some((grant) => grant.roleId === change.id));
        break;
      case "organization":
        this.forgetGrants((grants) => grants.byOrganization.has(change.id));
        break;
    }
    for (const follower of this.followers) follower(change);
  }

  /** Forgets everything: after the event listener reconnects, notifications may have been missed. */
  clear(): void {
    this.evictions++;
    this.sessions?.clear();
    this.grants?.clear();
    for (const follower of this.followers) follower(null);
  }

  private forgetSessions(matches: (session: CachedSession) => boolean) {
    if (!this.sessions) return;
    const doomed = [...this.sessions.entries()].filter(([, session]) => matches(session));
    for (const [hash] of doomed) this.sessions.delete(hash);
  }

  private forgetGrants(matches: (grants: CallerGrants) => boolean) {
    if (!this.grants) return;
    const doomed = [...this.grants.entries()].filter(([, grants]) => matches(grants));
    for (const [userId] of doomed) this.grants.delete(userId);
  }
}
