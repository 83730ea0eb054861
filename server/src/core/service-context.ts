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

/** What a context makes on first use; one holder, shared by every shallow copy of the context. */
interface MadeOnFirstUse {
  fork?: EntityManager;
  loaders?: Loaders;
  authz?: Authorizer;
}

/**
 * The fork, the loaders and the authorizer are made on first use: a GraphQL request that reads no
 * data (`{ __typename }`, a refused operation) does not pay for them; the fork alone was a tenth of
 * such a request's CPU. The getters live on the prototype and what they make in one holder, because
 * Apollo Server hands resolvers a shallow copy of the context (`Object.assign(Object.create(proto),
 * context)`): own getters would be called by that copy, and own values would not be shared with it.
 */
class LazyServiceContext implements ServiceContext {
  private readonly made: MadeOnFirstUse = {};

  constructor(
    /** The manager to fork; a transaction's when the context was made inside one. */
    private readonly base: EntityManager,
    readonly actor: Actor | null,
    readonly origin: RequestInfo,
    readonly clock: Clock,
    private readonly caches: { keyCache: KeyCache; callers: CallerCache | null; actorGrants: CallerGrants | null },
  ) {}

  get keyCache(): KeyCache {
    return this.caches.keyCache;
  }

  get callerCache(): CallerCacheEviction {
    return this.caches.callers ?? NO_CALLER_CACHE;
  }

  get em(): EntityManager {
    this.made.fork ??= this.base.fork({ disableContextResolution: true });
    return this.made.fork;
  }

  get loaders(): Loaders {
    if (!this.made.loaders) {
      this.made.loaders = createLoaders(() => this.em, this.base, this.caches.callers);
      // What authentication already read about the actor's grants serves this request's checks.
      const userId = this.actor?.userId;
      if (userId && this.caches.actorGrants) this.made.loaders.members.grantsOf.prime(userId, this.caches.actorGrants);
    }
    return this.made.loaders;
  }

  get authz(): Authorizer {
    this.made.authz ??= new Authorizer(this.actor, this.loaders);
    return this.made.authz;
  }
}

/**
 * A context on its own fork of `em` with fresh loaders, made on first use (see LazyServiceContext).
 * Without an actor it is the system itself (jobs), which the authorizer grants nothing: system code
 * paths do not ask it.
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
  // Which manager to fork (a transaction's, when called inside one) is settled now, as an eager
  // fork would have settled it, not wherever the context happens to be first read.
  return new LazyServiceContext(em.getContext(false), options.actor ?? null, options.origin, options.clock ?? systemClock, {
    keyCache: options.keyCache ?? NO_KEY_CACHE,
    callers: options.callers ?? null,
    actorGrants: options.actorGrants ?? null,
  });
}
