import { createHash } from "node:crypto";
import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Actor } from "../auth/actor";
import type { CallerCache } from "../auth/caller-cache";
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from "../auth/verified-token-cache";
import type { FederationConfig } from "../config";
import { type KeyCache, serviceContext } from "../core/service-context";
import { applyClaimedMemberships, readMembershipClaim } from "../members/claimed-memberships";
import type { Logger } from "../observability/logger";
import { FederatedSignInRefused, federatedUserId } from "./federated-users";
import type { TrustedIssuer } from "./issuer-config";
import { IssuerKeys } from "./issuer-keys";
import { type FederatedClaims, peekIssuer, type Refusal, verifyFederatedToken } from "./token-verification";

/**
 * How long a known (issuer, subject) → user answer is reused without asking the database. Short
 * enough that a user deleted elsewhere stops resolving soon; long enough that steady traffic does
 * no SQL for identity at all.
 */
const KNOWN_IDENTITY_MS = 5 * 60_000;
/** Known identities kept in memory at most; the oldest are forgotten first. */
const MAX_KNOWN_IDENTITIES = 10_000;

/** A token's checked claims, the key set they were checked against, and the digest of their membership claim. */
interface Verified {
  claims: FederatedClaims;
  keySet: object;
  membershipsDigest: string | null;
}

interface KnownIdentity {
  userId: string;
  resolvedAt: number;
  /** Digest of the membership claim last applied for this identity; null: none applied yet. */
  membershipsDigest: string | null;
}

/**
 * Sign-in from the host's identity providers: a JWT from a trusted issuer authenticates a request
 * as the user it names, found by (issuer, subject) or created on first use, with the memberships
 * its claim lists. Refusals are logged with the failed check, never with the token.
 */
export class FederatedTokens {
  private readonly issuers = new Map<string, { issuer: TrustedIssuer; keys: IssuerKeys }>();
  private readonly known = new Map<string, KnownIdentity>();
  /** One resolution at a time per identity, so that concurrent first requests create one user. */
  private readonly inFlight = new Map<string, Promise<string>>();
  /**
   * Tokens whose signature and claims have been checked, with the issuer's key set they were checked
   * against and the digest of their membership claim: a token presented again is neither decoded nor
   * its claim serialised again.
   */
  private readonly verified: VerifiedTokenCache<Verified>;

  constructor(
    config: FederationConfig,
    private readonly em: EntityManager,
    private readonly keyCache: KeyCache,
    private readonly log: Logger,
    /** Forgets the user's cached grants here at once when a claim changes their memberships. */
    private readonly callers: CallerCache | null = null,
    cache: VerifiedTokenCacheOptions = { ttlMs: 0, maxEntries: 1 },
  ) {
    this.verified = new VerifiedTokenCache(cache);
    for (const issuer of config.trustedIssuers) {
      this.issuers.set(issuer.issuer, { issuer, keys: new IssuerKeys(issuer, config.jwksCooldownMs, log) });
    }
  }

  /** Discovers every issuer in the background, so that the first token need not wait for it. */
  warmUp(): void {
    for (const { keys } of this.issuers.values()) void keys.current();
  }

  /**
   * Logs a JWT our own OAuth verifier refused because it names an issuer that is neither ours nor
   * trusted: the operator's usual mistake is an `issuer` spelt differently from the tokens' `iss`.
   */
  noteUntrustedIssuer(token: string, ownIssuer: string, clientAddress: string | null): void {
    const issuer = peekIssuer(token);
    if (issuer === null || issuer === ownIssuer || this.issuers.has(issuer)) return;
    this.log.warn({ issuer: issuer.slice(0, 200), check: "iss: not a trusted issuer", clientAddress }, "federated token refused");
  }

  /**
   * The actor a valid token stands for, or null (logged with the reason); undefined when no trusted
   * issuer issued it (by its unverified `iss`, only to choose the verifier), so it is another
   * verifier's to check.
   */
  async actorFor(token: string, clientAddress: string | null): Promise<Actor | null | undefined> {
    // Without trusted issuers, every JWT is ours to check: no need to look at it here.
    if (this.issuers.size === 0) return undefined;
    const known = this.verified.get(token);
    const trusted = this.issuers.get(known ? known.claims.issuer.issuer : (peekIssuer(token) ?? ""));
    if (!trusted) return undefined;
    const verified = known && known.keySet === trusted.keys.version() ? known : await this.verify(token, trusted);
    if ("refused" in verified) {
      this.log.warn({ issuer: trusted.issuer.issuer, check: verified.refused, clientAddress }, "federated token refused");
      return null;
    }
    const { claims } = verified;
    try {
      const userId = await this.userFor(claims, verified.membershipsDigest, clientAddress);
      return { userId, sessionId: null, expiresAt: new Date(claims.expiresAt) };
    } catch (error) {
      if (!(error instanceof FederatedSignInRefused)) throw error;
      this.log.warn(
        { issuer: trusted.issuer.issuer, subject: claims.subject, check: error.message, clientAddress },
        "federated sign-in refused",
      );
      return null;
    }
  }

  /**
   * The token's claims, from memory while the issuer's key set is the one it was checked against:
   * a fetch of new keys (a rotation, a withdrawn key) checks it again. A verification during which
   * the keys changed is not kept, since it may have used the keys that went.
   */
  private async verify(token: string, trusted: { issuer: TrustedIssuer; keys: IssuerKeys }): Promise<Verified | Refusal> {
    const keySet = trusted.keys.version();
    const claims = await verifyFederatedToken(token, trusted.issuer, trusted.keys);
    if ("refused" in claims) return claims;
    const checkedAgainst = trusted.keys.version();
    const verified = { claims, keySet: checkedAgainst ?? {}, membershipsDigest: membershipsDigest(claims) };
    if (checkedAgainst && (keySet === null || keySet === checkedAgainst)) this.verified.remember(token, verified, claims.expiresAt);
    return verified;
  }

  private async userFor(claims: FederatedClaims, digest: string | null, clientAddress: string | null): Promise<string> {
    const id = `${claims.issuer.issuer}\u0000${claims.subject}`;
    const known = this.known.get(id);
    const fresh = known && performance.now() - known.resolvedAt < KNOWN_IDENTITY_MS;
    if (fresh && (digest === null || digest === known.membershipsDigest)) return known.userId;
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.resolve(id, claims, digest, clientAddress).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  /** Finds or creates the user, then applies the membership claim if it differs from the last one applied. */
  private async resolve(id: string, claims: FederatedClaims, digest: string | null, clientAddress: string | null): Promise<string> {
    const ctx = serviceContext(this.em, {
      origin: { requestId: `federated-sign-in:${crypto.randomUUID()}`, ipAddress: clientAddress, userAgent: null },
      keyCache: this.keyCache,
      callers: this.callers ?? undefined,
    });
    const previous = this.known.get(id);
    const userId = await federatedUserId(ctx, claims);
    let applied = previous?.userId === userId ? previous.membershipsDigest : null;
    if (digest !== null && digest !== applied) {
      const claimed = readMembershipClaim(claims.memberships);
      if (claimed) {
        const apply = () => applyClaimedMemberships(ctx, userId, claimed, { issuer: claims.issuer.issuer, log: this.log });
        // Another instance applying the same claim at the same moment wins the insert; once more finds its rows.
        await apply().catch((error: unknown) => {
          if (error instanceof UniqueConstraintViolationException) return apply();
          throw error;
        });
      } else {
        this.log.warn(
          { issuer: claims.issuer.issuer, subject: claims.subject },
          "membership claim is neither an object nor a list of {organization, role}; ignored",
        );
      }
      applied = digest;
    }
    this.remember(id, { userId, resolvedAt: performance.now(), membershipsDigest: applied });
    return userId;
  }

  private remember(id: string, identity: KnownIdentity) {
    this.known.delete(id);
    this.known.set(id, identity);
    if (this.known.size > MAX_KNOWN_IDENTITIES) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }
}

/** A digest of the membership claim as sent; null when there is none to apply (not configured, or absent). */
function membershipsDigest(claims: FederatedClaims): string | null {
  if (claims.memberships === undefined) return null;
  return createHash("sha256").update(JSON.stringify(claims.memberships)).digest("base64url");
}
