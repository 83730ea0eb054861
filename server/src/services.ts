import type { EntityManager } from "@mikro-orm/postgresql";
import { AuthLimits } from "./auth/auth-limits";
import { Authenticator } from "./auth/authenticate";
import { CallerCache } from "./auth/caller-cache";
import type { Config } from "./config";
import { CredentialChecks } from "./events/credential-checks";
import { EventBus } from "./events/event-bus";
import { EventListener } from "./events/event-listener";
import { callerChangeOf, EventType, invalidatesKey } from "./events/events";
import { FederatedTokens } from "./federation/federated-tokens";
import type { AppServices } from "./graphql/context";
import { type JobWorker, startJobWorker } from "./jobs/worker";
import { FailedAttempts } from "./keys/failed-attempts";
import { KeyCaches } from "./keys/key-caches";
import { loadKeyMaterial } from "./keys/key-material";
import { SqlKeyStore } from "./keys/key-store";
import { KeyVerifier } from "./keys/key-verifier";
import { AccessTokens } from "./oauth/access-tokens";
import { deriveSigningKey } from "./oauth/signing-keys";
import type { Logger } from "./observability/logger";
import { PlatformKeyVerifier } from "./platform/platform-key-verifier";
import { WebhookDelivery } from "./webhooks/webhook-delivery";
import { deliveryLeaseMs } from "./webhooks/webhook-jobs";
import { WebhookTargets } from "./webhooks/webhook-targets";

/** The process-wide services, wired together, and how to stop them. */
export async function createServices(config: Config, log: Logger, em: EntityManager, databaseUrl: string) {
  const { keyCrypto, masterKeys, pepper } = await loadKeyMaterial(config, log);
  const signingKeys = await Promise.all(masterKeys.map(deriveSigningKey));
  const accessTokens = new AccessTokens(signingKeys, config.tokenCache);
  const keyStore = new SqlKeyStore(em);
  const keyVerifier = new KeyVerifier(keyStore, keyCrypto, config.keyCacheSeconds * 1000, config.keyUsageFlushSeconds * 1000);
  const failedAttempts = new FailedAttempts();
  const keyCaches = new KeyCaches();
  keyCaches.add(keyVerifier);
  const callerCache = new CallerCache(config.callerCache);
  // Key verifications read the mapped user's role too: they forget with the cache of callers.
  callerCache.onForget((change) => keyCaches.forgetCaller(change));
  const authenticator = new Authenticator(em, keyVerifier, failedAttempts, null, callerCache);
  const federatedTokens = new FederatedTokens(config.federation, em, keyVerifier, log, callerCache, config.tokenCache);
  authenticator.acceptFederatedTokens(federatedTokens);
  federatedTokens.warmUp();
  // An access token is good while its signature holds and the key and secret that earned it still
  // stand: it may do what the token was granted, narrowed to what the key may do now, from allowed
  // addresses, until the key is revoked or that secret is rotated away. Only the signature check is
  // cached by token; `currentScopes` runs on every request, from the key cache that key events evict.
  authenticator.acceptAccessTokens(async (token, clientAddress) => {
    const actor = await accessTokens.actorFor(token);
    if (!actor) federatedTokens.noteUntrustedIssuer(token, accessTokens.issuer, clientAddress);
    const current = actor && (await keyVerifier.currentScopes(actor.key.keyId, actor.key.secretId, clientAddress));
    if (!actor || !current) return null;
    // Usually the key still allows all the token was granted: then the verified actor itself serves
    // (the authenticator keeps what it makes from it while that actor lives).
    if (actor.key.scopes.every((scope) => current.includes(scope))) return actor;
    return { ...actor, key: { ...actor.key, scopes: actor.key.scopes.filter((scope) => current.includes(scope)) } };
  });
  const platformKeys = new PlatformKeyVerifier(em, keyCrypto, config.keyCacheSeconds * 1000);
  authenticator.acceptPlatformKeys((secret) => platformKeys.verify(secret));
  // Key changes on any instance evict this instance's cached verifications within a NOTIFY's time.
  const events = new EventListener(databaseUrl, log);
  const eventBus = new EventBus(em, events, log);
  const credentialChecks = new CredentialChecks(em, keyVerifier, config.subscriptionRecheckMs);
  const webhookTargets = new WebhookTargets(config.webhooks);
  const services: AppServices = {
    keyCrypto,
    keyVerifier,
    failedAttempts,
    authLimits: new AuthLimits(config.authLimits),
    authenticator,
    callerCache,
    accessTokens,
    eventBus,
    credentialChecks,
    webhookTargets,
  };

  events.onEvent((notice) => {
    if (notice.subjectId && invalidatesKey(notice.type)) keyCaches.evict(notice.subjectId);
    if (notice.subjectId && notice.type === EventType.PLATFORM_KEY_REVOKED) platformKeys.evict(notice.subjectId);
    const callerChange = callerChangeOf(notice.type, notice.subjectId);
    if (callerChange) callerCache.forget(callerChange);
  });
  events.onReconnect(() => {
    keyCaches.clear();
    platformKeys.clear();
    callerCache.clear();
  });
  let jobWorker: JobWorker | null = null;
  try {
    await events.start();
    if (config.schedulerEnabled)
      jobWorker = await startJobWorker({
        databaseUrl,
        em,
        log,
        webhookDelivery: new WebhookDelivery(em, keyCrypto, webhookTargets, config.webhooks),
        webhookLeaseMs: deliveryLeaseMs(config.webhooks.timeoutMs),
        pollIntervalMs: config.jobPollIntervalMs,
      });
  } catch (error) {
    await events.close();
    await keyVerifier.close();
    throw error;
  }

  return {
    services,
    eventListener: events,
    /** What the verify listener's thread needs from this one (see verify-listener). */
    keyVerification: { store: keyStore, caches: keyCaches, pepper },
    async close() {
      await jobWorker?.stop();
      await events.close();
      await keyVerifier.close();
      webhookTargets.close();
    },
  };
}
