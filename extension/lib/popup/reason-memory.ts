import { REASON_REMEMBERED_MS } from "./popup-settings";

/**
 * The reason last given for a key's secret, so that revealing and then copying it (or copying it
 * twice) asks once. Kept in the popup's memory only: closing the popup forgets it.
 */
const reasons = new Map<string, { reason: string; until: number }>();

export function rememberedReason(keyId: string, now = Date.now()): string | null {
  const entry = reasons.get(keyId);
  if (!entry || entry.until < now) {
    reasons.delete(keyId);
    return null;
  }
  return entry.reason;
}

export function rememberReason(keyId: string, reason: string, now = Date.now()): void {
  reasons.set(keyId, { reason, until: now + REASON_REMEMBERED_MS });
}

export function forgetReason(keyId: string): void {
  reasons.delete(keyId);
}
