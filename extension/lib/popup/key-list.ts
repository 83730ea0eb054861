import { BADGE_WINDOW_DAYS, badgeCutoff, isDueBefore } from "../expiry/badge";
import type { PopupKeyView } from "../graphql/operations";

export type KeySort = "expiring" | "recent" | "name";

export const SORT_LABELS: Record<KeySort, string> = {
  expiring: "Expiring first",
  recent: "Recently used",
  name: "Name",
};

/**
 * Whether the key counts towards the toolbar badge: active and due (expiry or inactivity clean-up)
 * within the badge's window. The "Expiring soon" filter uses this, so it lists what the badge counts.
 */
export function isExpiringSoon(key: PopupKeyView, inactivityDays: number, now = new Date()): boolean {
  return key.state === "ACTIVE" && isDueBefore(key, inactivityDays, badgeCutoff(now));
}

export const EXPIRING_SOON_LABEL = `Expiring within ${BADGE_WINDOW_DAYS} days`;

const LIVE = new Set(["ACTIVE", "PENDING", "DISABLED"]);
const time = (value: string | null | undefined, missing: number) => (value ? new Date(value).getTime() : missing);

/** Sorts a copy; keys created in this popup come first, and ties go to the newest key. */
export function sortKeys(keys: readonly PopupKeyView[], sort: KeySort, createdHere: ReadonlySet<string> = new Set()): PopupKeyView[] {
  const newestFirst = (a: PopupKeyView, b: PopupKeyView) => time(b.createdAt, 0) - time(a.createdAt, 0);
  const compare: Record<KeySort, (a: PopupKeyView, b: PopupKeyView) => number> = {
    // Keys that still work come first: an expired or revoked key has nothing left to expire.
    expiring: (a, b) =>
      Number(!LIVE.has(a.state)) - Number(!LIVE.has(b.state)) ||
      time(a.expiresAt, Number.POSITIVE_INFINITY) - time(b.expiresAt, Number.POSITIVE_INFINITY) ||
      newestFirst(a, b),
    recent: (a, b) => time(b.lastUsedAt, 0) - time(a.lastUsedAt, 0) || newestFirst(a, b),
    name: (a, b) => a.name.localeCompare(b.name) || newestFirst(a, b),
  };
  return [...keys].sort((a, b) => Number(createdHere.has(b.id)) - Number(createdHere.has(a.id)) || compare[sort](a, b));
}
