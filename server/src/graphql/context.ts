import type { EntityManager } from "@mikro-orm/postgresql";
import type { Actor, RequestInfo } from "../auth/actor";
import { Authorizer } from "../auth/authorizer";
import type { Config } from "../config";
import type { Logger } from "../observability/logger";
import { createLoaders, type Loaders } from "./loaders";

/** Everything a resolver or service needs for one request (or one WebSocket operation). */
export interface RequestContext {
  em: EntityManager;
  actor: Actor | null;
  authz: Authorizer;
  loaders: Loaders;
  request: RequestInfo;
  config: Config;
  log: Logger;
}

export function buildContext(options: {
  em: EntityManager;
  actor: Actor | null;
  request: RequestInfo;
  config: Config;
  log: Logger;
}): RequestContext {
  const em = options.em.fork();
  const loaders = createLoaders(em);
  return { ...options, em, loaders, authz: new Authorizer(options.actor, loaders) };
}
