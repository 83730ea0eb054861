import { randomUUID } from "node:crypto";
import { createLocalJWKSet, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Actor } from "../auth/actor";
import type { Permission } from "../auth/permission";
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from "../auth/verified-token-cache";
import { idOfType, toGlobalId } from "../graphql/global-id";
import type { SigningKey } from "./signing-keys";

export const ACCESS_TOKEN_SECONDS = 600;
export const AUDIENCE = "latchkey-api";
/** RFC 9068 §2.1: access tokens are typed, so that no other JWT signed by this key passes for one. */
const TOKEN_TYPE = "at+jwt";
/** Leeway for clocks of instances that share a database: an iat a little ahead of ours is no forgery. */
const CLOCK_TOLERANCE_SECONDS = 5;

interface LatchkeyClaims extends JWTPayload {
  scope: string;
  org: string;
  key_id: string;
  /** The key secret that earned the token: rotating that secret away ends the token too. */
  key_secret_id: string;
  loc?: string;
  act_for: string;
}

export interface TokenSubject {
  keyId: string;
  secretId: string;
  clientId: string;
  organizationId: string;
  locationId: string | null;
  mappedUserId: string;
  scopes: Permission[];
}

type TokenActor = Actor & { key: NonNullable<Actor["key"]> };

/**
 * Issues and checks OAuth access tokens: short-lived ES256 JWTs (RFC 9068) whose `sub` is the
 * client ID, with the granted `scope`, the organisation (`org`) and the key behind them. The issuer
 * is our configured public address, never a request's Host header.
 */
export class AccessTokens {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;
  private readonly current: SigningKey;
  private publicUrl: string | undefined;
  /**
   * Tokens whose signature and claims have been checked: our signing keys and issuer do not change
   * while the process runs, so the verdict holds until `exp`. The key and secret behind a token are
   * not part of it: the caller checks them on every request (`KeyVerifier.currentScopes`).
   */
  private readonly verified: VerifiedTokenCache<TokenActor>;

  /** `all`: the current master key's signing key first (it signs), then those of previous master keys (still published). */
  constructor(
    private readonly all: SigningKey[],
    cache: VerifiedTokenCacheOptions = { ttlMs: 0, maxEntries: 1 },
  ) {
    this.verified = new VerifiedTokenCache(cache);
    const [current] = all;
    if (!current) throw new Error("At least one signing key is needed.");
    this.current = current;
    this.keySet = createLocalJWKSet(this.jwks());
  }

  /** Set once the address is known: PUBLIC_URL, or outside production the port actually bound. */
  useIssuer(publicUrl: string): void {
    this.publicUrl = publicUrl;
  }

  get issuer(): string {
    if (!this.publicUrl) throw new Error("The OAuth issuer is not known before the server listens.");
    return this.publicUrl;
  }

  jwks() {
    return { keys: this.all.map((key) => key.publicJwk) };
  }

  issue(subject: TokenSubject): Promise<string> {
    const claims: LatchkeyClaims = {
      scope: subject.scopes.join(" "),
      org: toGlobalId("Organization", subject.organizationId),
      key_id: toGlobalId("ApiKey", subject.keyId),
      key_secret_id: subject.secretId,
      act_for: toGlobalId("User", subject.mappedUserId),
      ...(subject.locationId ? { loc: toGlobalId("Location", subject.locationId) } : {}),
      client_id: subject.clientId,
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: this.current.kid, typ: TOKEN_TYPE })
      .setIssuer(this.issuer)
      .setSubject(subject.clientId)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
      .setJti(randomUUID())
      .sign(this.current.privateKey);
  }

  /**
   * The actor a valid token stands for, or null for any token that fails signature, type, issuer,
   * audience, expiry, or the lifetime we issue (RFC 9068 §4): a token signed by our key that claims
   * to live longer than we would ever have issued it is not ours to honour. The actor names the key
   * secret that earned the token, for the caller to check it still stands. A token seen before is
   * answered from memory, without a signature check.
   */
  async actorFor(token: string): Promise<TokenActor | null> {
    const known = this.verified.get(token);
    if (known) return known;
    const verified = await this.verify(token);
    if (verified) this.verified.remember(token, verified.actor, verified.expiresAtMs);
    return verified?.actor ?? null;
  }

  private async verify(token: string): Promise<{ actor: TokenActor; expiresAtMs: number } | null> {
    try {
      const { payload } = await jwtVerify<LatchkeyClaims>(token, this.keySet, {
        algorithms: ["ES256"],
        typ: TOKEN_TYPE,
        issuer: this.issuer,
        audience: AUDIENCE,
        maxTokenAge: ACCESS_TOKEN_SECONDS,
        requiredClaims: ["iat", "exp", "sub"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      if ((payload.exp ?? Number.POSITIVE_INFINITY) - (payload.iat ?? 0) > ACCESS_TOKEN_SECONDS) return null;
      const userId = idOfType(payload.act_for, "User");
      const keyId = idOfType(payload.key_id, "ApiKey");
      const organizationId = idOfType(payload.org, "Organization");
      if (!userId || !keyId || !organizationId || typeof payload.key_secret_id !== "string") return null;
      const actor: TokenActor = {
        userId,
        sessionId: null,
        key: {
          keyId,
          secretId: payload.key_secret_id,
          organizationId,
          locationId: payload.loc ? idOfType(payload.loc, "Location") : null,
          scopes: payload.scope.split(" ").filter(Boolean) as Permission[],
        },
      };
      // requiredClaims makes `exp` present; without it nothing would be kept.
      // Served to every request that presents the token again: nobody may change it.
      Object.freeze(actor.key);
      return { actor: Object.freeze(actor), expiresAtMs: (payload.exp ?? 0) * 1000 };
    } catch {
      return null;
    }
  }
}
