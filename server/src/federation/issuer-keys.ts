import { createRemoteJWKSet, type JWKSCacheInput, type JWTVerifyGetKey, jwksCache, type RemoteJWKSet } from "jose";
import type { Logger } from "../observability/logger";
import { discoveryUrl, readDiscoveryDocument } from "./discovery-document";
import type { TrustedIssuer } from "./issuer-config";

/** How long one fetch of a discovery document or key set may take. */
const FETCH_TIMEOUT_MS = 5000;
/** How often the key set is refreshed in the background, so that a key the issuer withdrew stops verifying. */
const KEYS_REFRESH_MS = 10 * 60_000;

/**
 * One trusted issuer's signing keys. Found through the issuer's discovery document (unless the
 * configuration names `jwksUri`), then held by jose's remote key set: fetched once, cached, and
 * refetched on an unknown `kid` at most once per cooldown, so that a key rotation is followed and a
 * stream of forged `kid`s costs one fetch per cooldown, never one per request. The set is also
 * refreshed in the background every ten minutes, without a request waiting on it, and a failed
 * refresh keeps the keys already known: an identity provider's outage does not stop sign-ins with
 * its current key. A failed discovery does not stop the server: tokens from this issuer are refused
 * until a retry (after the cooldown) succeeds.
 */
export class IssuerKeys {
  private keySet: RemoteJWKSet | null = null;
  private refreshedAt = performance.now();
  private discovering: Promise<JWTVerifyGetKey | null> | null = null;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  /** jose writes every key set it fetches here: a new `jwks` object per fetch. */
  private readonly fetched: JWKSCacheInput = {};

  constructor(
    private readonly issuer: TrustedIssuer,
    private readonly cooldownMs: number,
    private readonly log: Logger,
  ) {
    if (issuer.jwksUri) this.keySet = this.remoteKeySet(issuer.jwksUri);
  }

  /** The key set, or null while the issuer cannot be discovered. */
  current(): Promise<JWTVerifyGetKey | null> {
    if (this.keySet) {
      this.refreshWhenDue(this.keySet);
      return Promise.resolve(this.keySet);
    }
    if (this.discovering) return this.discovering;
    if (performance.now() - this.lastFailureAt < this.cooldownMs) return Promise.resolve(null);
    this.discovering = this.discover()
      .then((keySet) => {
        this.keySet = keySet;
        this.log.info({ issuer: this.issuer.issuer }, "trusted issuer discovered");
        return keySet;
      })
      .catch((error: unknown) => {
        this.lastFailureAt = performance.now();
        this.log.warn(
          { issuer: this.issuer.issuer, reason: error instanceof Error ? error.message : String(error), retryInMs: this.cooldownMs },
          "trusted issuer discovery failed: its tokens are refused until a retry succeeds",
        );
        return null;
      })
      .finally(() => {
        this.discovering = null;
      });
    return this.discovering;
  }

  /**
   * Which key set verifications use now: a value that changes with every fetch, so that a token
   * verified before a fetch (after which its key may be gone) is checked again. Null before the
   * first fetch. Starts a refresh when one is due, as `current` does.
   */
  version(): object | null {
    if (this.keySet) this.refreshWhenDue(this.keySet);
    return "jwks" in this.fetched ? this.fetched.jwks : null;
  }

  /** OpenID Connect Discovery 1.0 §4: the document sits under the issuer, and must name that very issuer. */
  private async discover(): Promise<RemoteJWKSet> {
    const url = discoveryUrl(this.issuer.issuer);
    const metadata = await readDiscoveryDocument(this.issuer.issuer, FETCH_TIMEOUT_MS);
    if (metadata.issuer !== this.issuer.issuer) throw new Error(`${url} names another issuer (${String(metadata.issuer)})`);
    if (typeof metadata.jwks_uri !== "string" || !/^https?:\/\//.test(metadata.jwks_uri))
      throw new Error(`${url} names no http(s) jwks_uri`);
    return this.remoteKeySet(metadata.jwks_uri);
  }

  private refreshWhenDue(keySet: RemoteJWKSet) {
    // Before the first fetch, the verification itself fetches; afterwards nobody waits for a refresh.
    if (!keySet.jwks() || keySet.reloading || performance.now() - this.refreshedAt < KEYS_REFRESH_MS) return;
    this.refreshedAt = performance.now();
    keySet.reload().catch((error: unknown) => {
      this.log.warn(
        { issuer: this.issuer.issuer, reason: error instanceof Error ? error.message : String(error) },
        "refreshing a trusted issuer's keys failed; the keys already known stay in use",
      );
    });
  }

  /** jose's remote set with no expiry of its own: `refreshWhenDue` refreshes it without a request waiting. */
  private remoteKeySet(jwksUri: string): RemoteJWKSet {
    return createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: this.cooldownMs,
      cacheMaxAge: Number.POSITIVE_INFINITY,
      timeoutDuration: FETCH_TIMEOUT_MS,
      [jwksCache]: this.fetched,
    });
  }
}
