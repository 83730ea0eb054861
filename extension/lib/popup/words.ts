import * as words from "../../../schema/words";
import type { KeyKind, KeyState, Permission } from "../graphql/enums";

/** The product's words for the schema's constants (schema/words.ts), checked against this client's enums. */
export const KIND_LABELS: Record<KeyKind, string> = words.KIND_LABELS;
export const STATE_LABELS: Record<KeyState, string> = words.STATE_LABELS;
export const PERMISSION_LABELS: Record<Permission, string> = words.PERMISSION_LABELS;

/** The public half's name by kind, inside a sentence: what an integrator calls it. Null for a single secret. */
export function publicIdLabel(kind: KeyKind): string | null {
  const label = partLabelsOf(kind).public;
  return label === null ? null : words.inSentence(label);
}

/** The secret's name by kind, inside a sentence. */
export function secretLabel(kind: KeyKind): string {
  return words.inSentence(partLabelsOf(kind).secret);
}

/** A kind this extension does not know yet (a newer server's) is named as a single secret. */
function partLabelsOf(kind: KeyKind) {
  return words.CREDENTIAL_PART_LABELS[kind] ?? words.CREDENTIAL_PART_LABELS.SECRET;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "expires in 3 days", "expired 2 hours ago", "never expires". */
export function expiryWording(expiresAt: string | null | undefined, now = Date.now()): string {
  if (!expiresAt) return "never expires";
  const left = new Date(expiresAt).getTime() - now;
  const hours = Math.abs(left) < DAY_MS;
  const amount = hours ? Math.round(left / HOUR_MS) : Math.round(left / DAY_MS);
  const phrase = relative.format(amount, hours ? "hour" : "day");
  return left >= 0 ? `expires ${phrase}` : `expired ${phrase}`;
}

/** "used 2 days ago", "never used". */
export function lastUsedWording(lastUsedAt: string | null | undefined, now = Date.now()): string {
  if (!lastUsedAt) return "never used";
  const ago = new Date(lastUsedAt).getTime() - now;
  if (Math.abs(ago) < HOUR_MS) return "used within the hour";
  return Math.abs(ago) < DAY_MS
    ? `used ${relative.format(Math.round(ago / HOUR_MS), "hour")}`
    : `used ${relative.format(Math.round(ago / DAY_MS), "day")}`;
}
