import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import type { Logger } from "../observability/logger";
import type { TrustedIssuer } from "./issuer-config";

/** How long one fetch of a discovery document or key set may take. */
const FETCH_TIMEOUT_MS = 5000;
/** How long fetched keys are trusted before the next verification refetches them (jose's default). */
const KEYS_MAX_AGE_MS = 10 * 60_000;

/**
 * One trusted issuer's signing keys. Found through the issuer's discovery document (unless the
 * configuration names `jwksUri`), then held by jose's remote key set: fetched once, cached, and
 * refetched on an unknown `kid` at most once per cooldown, so that a key rotation is followed and a
 * stream of forged `kid`s costs one fetch per cooldown, never one per request. A failed discovery
 * does not stop the server: tokens from this issuer are refused until a retry (after the cooldown)
 * succeeds.
 */
export class IssuerKeys {
  private keySet: JWTVerifyGetKey | null = null;
  private discovering: Promise<JWTVerifyGetKey | null> | null = null;
  private lastFailureAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly issuer: TrustedIssuer,
    private readonly cooldownMs: number,
    private readonly log: Logger,
  ) {
    if (issuer.jwksUri) this.keySet = this.remoteKeySet(issuer.jwksUri);
  }

  /** The key set, or null while the issuer cannot be discovered. */
  current(): Promise<JWTVerifyGetKey | null> {
    if (this.keySet) return Promise.resolve(this.keySet);
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

  /** OpenID Connect Discovery 1.0 §4: the document sits under the issuer, and must name that very issuer. */
  private async discover(): Promise<JWTVerifyGetKey> {
    const url = `${this.issuer.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    const response = await fetch(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (metadata.issuer !== this.issuer.issuer) throw new Error(`${url} names another issuer (${String(metadata.issuer)})`);
    if (typeof metadata.jwks_uri !== "string" || !/^https?:\/\//.test(metadata.jwks_uri))
      throw new Error(`${url} names no http(s) jwks_uri`);
    return this.remoteKeySet(metadata.jwks_uri);
  }

  private remoteKeySet(jwksUri: string): JWTVerifyGetKey {
    return createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: this.cooldownMs,
      cacheMaxAge: KEYS_MAX_AGE_MS,
      timeoutDuration: FETCH_TIMEOUT_MS,
    });
  }
}
