import { randomUUID } from "node:crypto";
import { createLocalJWKSet, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Actor } from "../auth/actor";
import type { Permission } from "../auth/permission";
import { idOfType, toGlobalId } from "../graphql/global-id";
import type { SigningKey } from "./signing-keys";

export const ACCESS_TOKEN_SECONDS = 600;
export const AUDIENCE = "latchkey-api";

interface LatchkeyClaims extends JWTPayload {
  scope: string;
  org: string;
  key_id: string;
  loc?: string;
  act_for: string;
}

export interface TokenSubject {
  keyId: string;
  clientId: string;
  organizationId: string;
  locationId: string | null;
  mappedUserId: string;
  scopes: Permission[];
}

/**
 * Issues and checks OAuth access tokens: short-lived ES256 JWTs (RFC 9068 style) whose `sub` is the
 * client ID, with the granted `scope`, the organisation (`org`) and the key behind them.
 */
export class AccessTokens {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  constructor(
    private readonly current: SigningKey,
    private readonly all: SigningKey[],
  ) {
    this.keySet = createLocalJWKSet(this.jwks());
  }

  jwks() {
    return { keys: this.all.map((key) => key.publicJwk) };
  }

  issue(issuer: string, subject: TokenSubject): Promise<string> {
    const claims: LatchkeyClaims = {
      scope: subject.scopes.join(" "),
      org: toGlobalId("Organization", subject.organizationId),
      key_id: toGlobalId("ApiKey", subject.keyId),
      act_for: toGlobalId("User", subject.mappedUserId),
      ...(subject.locationId ? { loc: toGlobalId("Location", subject.locationId) } : {}),
      client_id: subject.clientId,
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: this.current.kid, typ: "at+jwt" })
      .setIssuer(issuer)
      .setSubject(subject.clientId)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
      .setJti(randomUUID())
      .sign(this.current.privateKey);
  }

  /** The actor a valid token stands for, or null for any token that fails signature, expiry or audience. */
  async actorFor(token: string): Promise<(Actor & { key: NonNullable<Actor["key"]> }) | null> {
    try {
      const { payload } = await jwtVerify<LatchkeyClaims>(token, this.keySet, { audience: AUDIENCE, algorithms: ["ES256"] });
      const userId = idOfType(payload.act_for, "User");
      const keyId = idOfType(payload.key_id, "ApiKey");
      const organizationId = idOfType(payload.org, "Organization");
      if (!userId || !keyId || !organizationId) return null;
      return {
        userId,
        sessionId: null,
        key: {
          keyId,
          organizationId,
          locationId: payload.loc ? idOfType(payload.loc, "Location") : null,
          scopes: payload.scope.split(" ").filter(Boolean) as Permission[],
        },
      };
    } catch {
      return null;
    }
  }
}
