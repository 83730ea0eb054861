import type { EntityManager } from "@mikro-orm/postgresql";
import type { Actor, RequestInfo } from "../auth/actor";
import { Authorizer } from "../auth/authorizer";
import type { CallerCache } from "../auth/caller-cache";
import type { CallerGrants } from "../auth/caller-grants";
import type { CallerChange } from "../events/events";
import { createLoaders, type Loaders } from "../graphql/loaders";
import { type Clock, systemClock } from "./clock";

/** A cache of verified keys that must forget a key once a change to it commits. */
export interface KeyCache {
  evict(keyId: string): void;
}

const NO_KEY_CACHE: KeyCache = { evict: () => undefined };

/** The caches of callers (sessions, grants; and key verifications, which read grants too) that must forget a committed change. */
export interface CallerCacheEviction {
  forget(change: CallerChange): void;
}

const NO_CALLER_CACHE: CallerCacheEviction = { forget: () => undefined };

/**
 * What a service needs to act: the unit of work, who acts (and what they may do), where the action
 * came from (for the audit log), the time, and the cache to drop after a committed change. A GraphQL
 * request is one way to build it; a job, the CLI or a test builds one with `serviceContext`.
 */
export interface ServiceContext {
  em: EntityManager;
  actor: Actor | null;
  authz: Authorizer;
  loaders: Loaders;
  /** A request's ID and client, or a job's name, recorded with every change. */
  origin: RequestInfo;
  clock: Clock;
  keyCache: KeyCache;
  callerCache: CallerCacheEviction;
}

/** The origin of changes a job makes on its own: no client, and the job's name where a request ID would be. */
export function jobOrigin(jobName: string): RequestInfo {
  return { requestId: jobName, ipAddress: null, userAgent: null };
}

/**
 * A context on its own fork of `em` with fresh loaders. Without an actor it is the system itself
 * (jobs), which the authorizer grants nothing: system code paths do not ask it.
 */
export function serviceContext(
  em: EntityManager,
  options: {
    actor?: Actor | null;
    origin: RequestInfo;
    clock?: Clock;
    keyCache?: KeyCache;
    /** Where the authorizer finds users' grants before reading them, and what forgets them after a change. */
    callers?: CallerCache;
    /** What authentication already read about the actor's grants, for this request only. */
    actorGrants?: CallerGrants | null;
  },
): ServiceContext {
  const fork = em.fork();
  const loaders = createLoaders(fork, options.callers ?? null);
  const actor = options.actor ?? null;
  if (actor && options.actorGrants) loaders.members.grantsOf.prime(actor.userId, options.actorGrants);
  return {
    em: fork,
    actor,
    authz: new Authorizer(actor, loaders),
    loaders,
    origin: options.origin,
    clock: options.clock ?? systemClock,
    keyCache: options.keyCache ?? NO_KEY_CACHE,
    callerCache: options.callers ?? NO_CALLER_CACHE,
  };
}
