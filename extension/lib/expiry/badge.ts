import { browser } from "wxt/browser";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The badge counts keys that expire, or are disabled for inactivity, within this many days. */
export const BADGE_WINDOW_DAYS = 7;

export function badgeCutoff(now: Date, days = BADGE_WINDOW_DAYS): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/** What the badge needs of an active key: the inputs of its two clocks. */
export interface KeyDeadlines {
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  createdAt?: string | null;
}

/**
 * Whether a key will expire, or be disabled for inactivity, before `cutoff`: the same two clocks
 * the server warns about. The inactivity clock runs from the last use, or from creation for a key
 * never used.
 */
export function isDueBefore(key: KeyDeadlines, inactivityDays: number, cutoff: Date): boolean {
  if (key.expiresAt && new Date(key.expiresAt) < cutoff) return true;
  const lastActivity = key.lastUsedAt ?? key.createdAt;
  if (!lastActivity) return false;
  return new Date(lastActivity).getTime() + inactivityDays * DAY_MS < cutoff.getTime();
}

/** Empty for none (no badge), the count otherwise, and "99+" so the badge stays readable. */
export function badgeText(count: number): string {
  if (count <= 0) return "";
  return count > 99 ? "99+" : String(count);
}

export async function showExpiringCount(count: number): Promise<void> {
  await browser.action.setBadgeText({ text: badgeText(count) });
  if (count > 0) await browser.action.setBadgeBackgroundColor({ color: "#b45309" });
  await browser.action.setTitle({
    title: count > 0 ? `Latchkey: ${count} key${count === 1 ? "" : "s"} expiring within ${BADGE_WINDOW_DAYS} days` : "Latchkey",
  });
}

/** The server no longer accepts the credential: no count can be trusted, and the user must act. */
export async function showSignedOut(): Promise<void> {
  await browser.action.setBadgeText({ text: "!" });
  await browser.action.setBadgeBackgroundColor({ color: "#b91c1c" });
  await browser.action.setTitle({ title: "Sign in to Latchkey again" });
}

/** A `key.expiring` event's data, as the server sends it. */
export interface ExpiryWarning {
  keyId: string;
  data: Record<string, unknown>;
}

/** The notification for one warning: which key, which clock, how long is left. */
export function warningNotification(warning: ExpiryWarning): { title: string; message: string } {
  const name = typeof warning.data.name === "string" ? warning.data.name : "A key";
  const daysLeft = typeof warning.data.daysLeft === "number" ? warning.data.daysLeft : null;
  const when = daysLeft === null ? "soon" : daysLeft <= 0 ? "today" : `in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`;
  const what = String(warning.data.clock).toUpperCase() === "INACTIVITY" ? "will be disabled for inactivity" : "expires";
  return { title: "Latchkey key expiring", message: `${name} ${what} ${when}.` };
}
