import type { EntityManager } from "@mikro-orm/postgresql";
import type { Actor, RequestInfo } from "../auth/actor";
import type { AuthLimits } from "../auth/auth-limits";
import type { Authenticator } from "../auth/authenticate";
import type { CallerCache } from "../auth/caller-cache";
import type { CallerGrants } from "../auth/caller-grants";
import type { Config } from "../config";
import { type ServiceContext, serviceContext } from "../core/service-context";
import type { CredentialChecks } from "../events/credential-checks";
import type { EventBus } from "../events/event-bus";
import type { FailedAttempts } from "../keys/failed-attempts";
import type { KeyCrypto } from "../keys/key-crypto";
import type { KeyVerifier } from "../keys/key-verifier";
import type { AccessTokens } from "../oauth/access-tokens";
import type { Logger } from "../observability/logger";
import type { WebhookTargets } from "../webhooks/webhook-targets";

/** Process-wide services that requests use. */
export interface AppServices {
  keyCrypto: KeyCrypto;
  keyVerifier: KeyVerifier;
  authenticator: Authenticator;
  /** Who callers are and what they may do, kept between requests and evicted by caller events. */
  callerCache: CallerCache;
  accessTokens: AccessTokens;
  eventBus: EventBus;
  credentialChecks: CredentialChecks;
  /** Failed credential attempts per client address, shared by every way in. */
  failedAttempts: FailedAttempts;
  /** Sign-in and sign-up limits per client address, checked before any password is hashed. */
  authLimits: AuthLimits;
  /** Which URLs webhooks may target (the SSRF guard). */
  webhookTargets: WebhookTargets;
}

/**
 * Everything a resolver needs for one request (or one WebSocket operation): a service context (the
 * request is its origin) plus the process's services, configuration and log.
 */
export interface RequestContext extends ServiceContext {
  services: AppServices;
  config: Config;
  log: Logger;
}

export function buildContext(options: {
  em: EntityManager;
  actor: Actor | null;
  /** What authentication read about the actor's grants (`Authenticator.identify`): for one request only. */
  actorGrants?: CallerGrants | null;
  origin: RequestInfo;
  config: Config;
  log: Logger;
  services: AppServices;
}): RequestContext {
  const { em, actor, origin, config, log, services } = options;
  // Assigned, not spread: a spread would lose the context's prototype, whose getters make its fork
  // and loaders on first use (see serviceContext).
  return Object.assign(
    serviceContext(em, {
      actor,
      origin,
      keyCache: services.keyVerifier,
      callers: services.callerCache,
      actorGrants: options.actorGrants,
    }),
    { services, config, log },
  );
}
