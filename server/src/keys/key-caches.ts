import type { CallerChange } from "../events/events";

/** A cache of key verifications, told when what it holds may have gone stale. */
export interface KeyCache {
  /** A key changed (revoked, rotated, updated) on some instance. */
  evict(keyId: string): void;
  /** A user's membership or a role changed; null when anything may have. */
  forgetCaller(change: CallerChange | null): void;
  /** Notifications may have been missed: forget everything. */
  clear(): void;
}

/**
 * Every key cache of this process, told of changes together: the key verifier's, and the verify
 * listener's thread's when one runs. services.ts wires the events to it.
 */
export class KeyCaches implements KeyCache {
  private readonly caches = new Set<KeyCache>();

  /** Adds a cache; the function returned removes it. */
  add(cache: KeyCache): () => void {
    this.caches.add(cache);
    return () => this.caches.delete(cache);
  }

  evict(keyId: string): void {
    for (const cache of this.caches) cache.evict(keyId);
  }

  forgetCaller(change: CallerChange | null): void {
    for (const cache of this.caches) cache.forgetCaller(change);
  }

  clear(): void {
    for (const cache of this.caches) cache.clear();
  }
}
