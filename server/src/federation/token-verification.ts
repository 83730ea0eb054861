import { decodeJwt, errors, type JWTPayload, jwtVerify } from "jose";
import type { TrustedIssuer } from "./issuer-config";
import type { IssuerKeys } from "./issuer-keys";

/** Leeway for the issuer's clock against ours, on `exp`, `nbf` and `iat`. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** What a verified token says about its bearer, read through the issuer's claim mapping. */
export interface FederatedClaims {
  issuer: TrustedIssuer;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** The membership claim's raw value; undefined when none is configured or the token has none. */
  memberships: unknown;
  /** The token's `exp`, in milliseconds. */
  expiresAt: number;
}

/** Why a token was refused, for the log only (the client hears the same generic refusal whatever it is). */
export type Refusal = { refused: string };

/** The unverified `iss` of something shaped like a JWT, or null: only to choose which verifier to ask. */
export function peekIssuer(token: string): string | null {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === "string" ? iss : null;
  } catch {
    return null;
  }
}

/**
 * Checks a token against one trusted issuer: its signature with the issuer's published keys, an
 * allowed algorithm, `iss`, `aud`, `exp` (required) and `nbf` with a small clock tolerance; then
 * that the mapped subject claim is a non-empty string.
 */
export async function verifyFederatedToken(token: string, issuer: TrustedIssuer, keys: IssuerKeys): Promise<FederatedClaims | Refusal> {
  const keySet = await keys.current();
  if (!keySet) return { refused: "issuer keys unavailable (discovery failed)" };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySet, {
      issuer: issuer.issuer,
      audience: issuer.audience,
      algorithms: issuer.algorithms,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["exp"],
    }));
  } catch (error) {
    return { refused: refusalReason(error) };
  }
  const { claims } = issuer;
  const subject = payload[claims.subject];
  if (typeof subject !== "string" || !subject) return { refused: `no subject (claim "${claims.subject}")` };
  const text = (name: string) => {
    const value = payload[name];
    return typeof value === "string" && value.trim() ? value.trim() : null;
  };
  return {
    issuer,
    subject,
    email: text(claims.email),
    emailVerified: payload.email_verified === true,
    name: text(claims.name),
    memberships: claims.memberships ? payload[claims.memberships] : undefined,
    expiresAt: (payload.exp ?? 0) * 1000,
  };
}

/** Which check failed, named as an operator reads it; never the token or its claims' values. */
function refusalReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "exp: the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `${error.claim}: ${error.reason}`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature verification failed";
  if (error instanceof errors.JWKSNoMatchingKey) return "unknown kid: no key of the issuer matches";
  if (error instanceof errors.JWKSMultipleMatchingKeys) return "kid: several keys of the issuer match";
  if (error instanceof errors.JWKSTimeout) return "issuer keys unavailable (JWKS timeout)";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return `malformed: ${error.message}`;
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return `issuer keys unavailable (${error instanceof Error ? error.message : String(error)})`;
}
