import type { EntityManager } from "@mikro-orm/postgresql";
import type { Actor, RequestInfo } from "../auth/actor";
import { Authorizer } from "../auth/authorizer";
import { createLoaders, type Loaders } from "../graphql/loaders";
import { type Clock, systemClock } from "./clock";

/** A cache of verified keys that must forget a key once a change to it commits. */
export interface KeyCache {
  evict(keyId: string): void;
}

const NO_KEY_CACHE: KeyCache = { evict: () => undefined };

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
}

/** The origin of changes a job makes on its own: no client, and the job's name where a request ID would be. */
export function jobOrigin(jobName: string): RequestInfo {
  return { requestId: jobName, ipAddress: null, userAgent: null };
}

/**
 * A context on its own fork of `em` with fresh loaders. Without an actor it is the system itself
 * (jobs), which the authorizer grants nothing: system code paths do not ask it.
 *
 * The fork, the loaders and the authorizer are made on first use: a GraphQL request that reads no
 * data (`{ __typename }`, a refused operation) does not pay for them, and the fork is a tenth of
 * such a request's CPU. Each is made once, so every reader of the context shares the same ones.
 */
export function serviceContext(
  em: EntityManager,
  options: { actor?: Actor | null; origin: RequestInfo; clock?: Clock; keyCache?: KeyCache },
): ServiceContext {
  const actor = options.actor ?? null;
  // Which manager to fork (a transaction's, when called inside one) is settled now, as an eager
  // fork would have settled it, not wherever the context happens to be first read.
  const base = em.getContext(false);
  let fork: EntityManager | undefined;
  let loaders: Loaders | undefined;
  let authz: Authorizer | undefined;
  const forked = () => {
    fork ??= base.fork({ disableContextResolution: true });
    return fork;
  };
  const lazyLoaders = () => {
    loaders ??= createLoaders(forked());
    return loaders;
  };
  return {
    get em() {
      return forked();
    },
    actor,
    get authz() {
      authz ??= new Authorizer(actor, lazyLoaders());
      return authz;
    },
    get loaders() {
      return lazyLoaders();
    },
    origin: options.origin,
    clock: options.clock ?? systemClock,
    keyCache: options.keyCache ?? NO_KEY_CACHE,
  };
}
