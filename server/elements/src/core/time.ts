const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600_000],
  ["month", 30 * 24 * 3600_000],
  ["day", 24 * 3600_000],
  ["hour", 3600_000],
  ["minute", 60_000],
];
const words = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "in 3 days", "2 hours ago", "now": the largest unit that fits, as the seeds' key lists word it. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const difference = new Date(iso).getTime() - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(difference) >= size) return words.format(Math.trunc(difference / size), unit);
  }
  return "now";
}

// One formatter for every call: `toLocaleString` with options builds a new one each time, which a
// 500-row table pays for 500 times in its first render.
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A date and time in the viewer's locale, for a title or a detail line beside the relative wording. */
export function absoluteTime(iso: string): string {
  return absolute.format(new Date(iso));
}
