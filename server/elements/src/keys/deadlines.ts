const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// "in 1 year", not "next year": a deadline is a count, read beside other counts.
const words = new Intl.RelativeTimeFormat("en", { numeric: "always" });

/** The facts of a key its deadlines depend on. */
export interface DeadlineFacts {
  state: string;
  expiresAt: string | null | undefined;
  lastUsedAt: string | null | undefined;
  createdAt: string;
}

/**
 * "in 3 days" for a deadline 2 days and 23 hours away: from two days on, the unit is rounded, not
 * cut (as `relativeTime` does), so a key created "for 3 days" says 3 days, and one due in 88 days
 * "in 3 months". Nearer deadlines are told in whole hours or minutes. No imports, so Node's unit
 * tests load it as it is.
 */
export function untilWords(iso: string, now: number): string {
  const difference = new Date(iso).getTime() - now;
  const wholeDays = Math.round(difference / DAY);
  const size = Math.abs(wholeDays);
  if (size >= 365) return words.format(Math.round(wholeDays / 365), "year");
  if (size >= 60) return words.format(Math.round(wholeDays / 30), "month");
  if (size >= 2) return words.format(wholeDays, "day");
  if (Math.abs(difference) >= HOUR) return words.format(Math.trunc(difference / HOUR), "hour");
  if (Math.abs(difference) >= MINUTE) return words.format(Math.trunc(difference / MINUTE), "minute");
  return "now";
}

/** "expires in 3 days", "expired 2 days ago" or "never expires". */
export function expiryWords(key: DeadlineFacts, now: number = Date.now()): string {
  if (!key.expiresAt) return "never expires";
  const past = new Date(key.expiresAt).getTime() <= now;
  return `${past ? "expired" : "expires"} ${untilWords(key.expiresAt, now)}`;
}

/**
 * When an active key is switched off for lack of use: its last use (or creation) plus the
 * organisation's inactivity period, as the server's expiry sweep computes it. Null for keys that
 * are not active, since only active keys are disabled for inactivity.
 */
export function inactivityDeadline(key: DeadlineFacts, inactivityDays: number): Date | null {
  if (key.state !== "ACTIVE") return null;
  return new Date(new Date(key.lastUsedAt ?? key.createdAt).getTime() + inactivityDays * DAY);
}

/** "disabled in 88 days if unused", or "disabled soon for lack of use" once the deadline has passed. */
export function inactivityWords(key: DeadlineFacts, inactivityDays: number, now: number = Date.now()): string | null {
  const deadline = inactivityDeadline(key, inactivityDays);
  if (!deadline) return null;
  if (deadline.getTime() <= now) return "disabled soon for lack of use";
  return `disabled ${untilWords(deadline.toISOString(), now)} if unused`;
}

/**
 * What is coming to an active key within the organisation's warning period (its longest
 * `expiryWarningDays`): "expires soon" before "disabled soon if unused", whichever comes first, or
 * null. The same keys the server warns about (`key.expiring`), so the table and the warnings agree.
 */
export function dueSoon(
  key: DeadlineFacts,
  inactivityDays: number,
  warningDays: readonly number[],
  now: number = Date.now(),
): string | null {
  if (key.state !== "ACTIVE" || !warningDays.length) return null;
  const horizon = now + Math.max(...warningDays) * DAY;
  const expiry = key.expiresAt ? new Date(key.expiresAt).getTime() : Number.POSITIVE_INFINITY;
  const inactivity = inactivityDeadline(key, inactivityDays)?.getTime() ?? Number.POSITIVE_INFINITY;
  if (Math.min(expiry, inactivity) > horizon) return null;
  return expiry <= inactivity ? "Expires soon" : "Disabled soon if unused";
}
