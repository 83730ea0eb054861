import * as words from "../../../../schema/words";
import type { ResultOf } from "../graphql/tada";
import type { KeyRowFields } from "./operations";

export type KeyRow = ResultOf<typeof KeyRowFields>;
export type KeyKind = KeyRow["kind"];
export type KeyState = KeyRow["state"];

/** The product's words for the schema's constants (schema/words.ts), checked against this client's enums. */
export const KIND_LABELS: Record<KeyKind, string> = words.KIND_LABELS;
export const STATE_LABELS: Record<KeyState, string> = words.STATE_LABELS;
export const PERMISSION_LABELS: Record<string, string> = words.PERMISSION_LABELS;

/** One part of a credential as its integrators name it, with its value. */
export interface CredentialPart {
  label: string;
  value: string;
}

/** Every part of a key (the public half where its kind has one, then the secret), named per kind. */
export function credentialParts(key: Pick<KeyRow, "kind" | "publicId">, secret: string): CredentialPart[] {
  const labels = words.CREDENTIAL_PART_LABELS[key.kind];
  return [
    ...(labels.public && key.publicId ? [{ label: labels.public, value: key.publicId }] : []),
    { label: labels.secret, value: secret },
  ];
}
