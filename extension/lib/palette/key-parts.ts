import type { KeyKind } from "../graphql/enums";
import type { CredentialPart } from "../protocol";

/** Kinds as people say them, instead of the schema's constants. */
export const KIND_LABELS: Record<KeyKind, string> = {
  SECRET: "Secret key",
  KEY_PAIR: "Key pair",
  BASIC: "Basic auth",
  OAUTH_CLIENT: "OAuth client",
};

export interface KeyPart {
  part: CredentialPart;
  label: string;
}

/** The halves a key of each kind has, as its integrators name them (see README, "API keys"). */
const PARTS: Record<KeyKind, readonly KeyPart[]> = {
  SECRET: [{ part: "secret", label: "Secret" }],
  KEY_PAIR: [
    { part: "public", label: "Access key ID" },
    { part: "secret", label: "Secret key" },
  ],
  BASIC: [
    { part: "public", label: "Username" },
    { part: "secret", label: "Password" },
  ],
  OAUTH_CLIENT: [
    { part: "public", label: "Client ID" },
    { part: "secret", label: "Client secret" },
  ],
};

export function keyParts(kind: KeyKind): readonly KeyPart[] {
  return PARTS[kind] ?? PARTS.SECRET;
}

/**
 * The part a field asks for, from what the page says about it: a password field or a name with
 * "secret" or "password" wants the secret; "username", "client id", "access key id" the public ID.
 * Null when it does not say, and the palette asks.
 */
export function partForField(field: {
  type?: string;
  name?: string;
  id?: string;
  autocomplete?: string;
  label?: string;
}): CredentialPart | null {
  if (field.type === "password") return "secret";
  const words = [field.name, field.id, field.autocomplete, field.label].join(" ").toLowerCase();
  if (/secret|password|passwd/.test(words)) return "secret";
  if (/user[-_ ]?name|client[-_ ]?id|access[-_ ]?key[-_ ]?id|\bkey[-_ ]?id\b|\busername\b/.test(words)) return "public";
  return null;
}
