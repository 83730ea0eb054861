import { CREDENTIAL_PART_LABELS } from "../../../schema/words";
import type { KeyKind } from "../graphql/enums";
import type { CredentialPart } from "../protocol";

export interface KeyPart {
  part: CredentialPart;
  label: string;
}

/** The halves a key of its kind has, as its integrators name them (schema/words.ts): the public one first. */
export function keyParts(kind: KeyKind): KeyPart[] {
  const labels = CREDENTIAL_PART_LABELS[kind] ?? CREDENTIAL_PART_LABELS.SECRET;
  return [...(labels.public === null ? [] : [{ part: "public" as const, label: labels.public }]), { part: "secret", label: labels.secret }];
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
