/** First delay before reconnecting. */
export const RECONNECT_INITIAL_DELAY_MS = 100;
/** No wait between attempts grows beyond this, however long the outage lasts. */
export const RECONNECT_MAX_DELAY_MS = 5_000;

/**
 * How long to wait before reconnection attempt `failures` (0 for the first): 100 ms doubling up to
 * 5 s, of which a random half is taken off ("equal jitter"), so instances that lost the database
 * together do not all knock at once when it comes back.
 */
export function reconnectDelayMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_INITIAL_DELAY_MS * 2 ** Math.min(failures, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
