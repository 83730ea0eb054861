import { z } from "zod";

/** Asymmetric JWS algorithms: a trusted issuer publishes public keys, so only these can be checked. */
export const ASYMMETRIC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

/**
 * `none` proves nothing, and an HMAC algorithm would verify with the issuer's *public* key as its
 * secret: anyone who fetched the JWKS could sign (the classic key-confusion forgery). Both are
 * refused by name so that the operator learns why.
 */
const algorithm = z.string().superRefine((value, context) => {
  if ((ASYMMETRIC_ALGORITHMS as readonly string[]).includes(value)) return;
  const why =
    value.toLowerCase() === "none"
      ? "is never accepted: an unsigned token proves nothing"
      : /^HS\d+$/i.test(value)
        ? "is refused: HMAC would take the issuer's public key as a shared secret, which anyone can read"
        : "is not an asymmetric JWS algorithm";
  context.addIssue({ code: z.ZodIssueCode.custom, message: `"${value}" ${why}; use some of ${ASYMMETRIC_ALGORITHMS.join(", ")}` });
});

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), "must be an http:// or https:// URL");

/** Where a token's facts are found: claim names, defaulting to the standard ones. */
const claimMapping = z
  .object({
    /** The host's ID for the person; with the issuer it names their account here. */
    subject: z.string().min(1).default("sub"),
    email: z.string().min(1).default("email"),
    name: z.string().min(1).default("name"),
    /** A claim listing organisations (by external ID) and the role in each; unset: memberships come from provisioning. */
    memberships: z.string().min(1).optional(),
  })
  .strict();

/** One identity provider whose tokens Latchkey accepts (an entry of `AUTH_ISSUERS`). */
export const trustedIssuerSchema = z
  .object({
    /** Compared exactly with a token's `iss`, and with the `issuer` its discovery document names. */
    issuer: httpUrl,
    /** What a token's `aud` must name (one of them, when a list). */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    algorithms: z.array(algorithm).min(1).default(["RS256", "PS256", "ES256", "EdDSA", "Ed25519"]),
    /** The issuer's key set; unset, it is read from `<issuer>/.well-known/openid-configuration`. */
    jwksUri: httpUrl.optional(),
    claims: claimMapping.default({}),
    /**
     * Whether a first sign-in may join an existing account with the same email (only when the token
     * says `email_verified: true`). Off, such a sign-in is refused rather than taking the account over.
     */
    linkVerifiedEmail: z.boolean().default(false),
    /**
     * The console's client at this provider (public, authorization code with PKCE, redirect URI
     * `<PUBLIC_URL>/callback`): set, the console at `/` offers sign-in here. Not a secret.
     */
    consoleClientId: z.string().min(1).optional(),
    /** The scopes the console asks for (default `openid email profile`); the access token must be for `audience`. */
    consoleScope: z.string().min(1).optional(),
    /**
     * How the console names `audience` when it asks for a token: `resource` (RFC 8707, the default)
     * or `audience`, which some providers (Auth0) want instead.
     */
    consoleAudienceParameter: z.enum(["resource", "audience"]).optional(),
  })
  .strict();

export type TrustedIssuer = z.infer<typeof trustedIssuerSchema>;

export const trustedIssuersSchema = z.array(trustedIssuerSchema).superRefine((issuers, context) => {
  const seen = new Set<string>();
  for (const [index, { issuer }] of issuers.entries()) {
    if (seen.has(issuer))
      context.addIssue({ code: z.ZodIssueCode.custom, path: [index, "issuer"], message: `"${issuer}" is listed twice` });
    seen.add(issuer);
  }
});

/**
 * `AUTH_ISSUERS` (JSON) or the file `AUTH_ISSUERS_FILE` names (the same JSON), validated; each
 * problem is reported with its path inside the JSON, so that every one is fixed in one go.
 */
export function parseTrustedIssuers(json: string | undefined, report: (problem: string) => void): TrustedIssuer[] {
  if (!json?.trim()) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    report(`is not valid JSON (${error instanceof Error ? error.message : error})`);
    return [];
  }
  const parsed = trustedIssuersSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    report(`${issue.path.join(".") || "(top level)"}: ${issue.message}`);
  }
  return [];
}
