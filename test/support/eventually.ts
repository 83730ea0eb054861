/** How long `eventually` keeps trying, and how long it waits between tries. */
export interface EventuallyOptions {
  /** Give up after this long, failing with the last try's error. @default 10_000 */
  timeoutMs?: number;
  /** Pause between tries. @default 25 */
  intervalMs?: number;
}

/**
 * Runs `assertion` until it returns without throwing, and resolves with what it returned; after
 * `timeoutMs` it rejects with the last error, so a failure says what was still wrong (an `expect`
 * inside reads best). The one way tests wait for something the server does in the background:
 * a delivery, a job, a cache flush. Tries never overlap: the next one starts `intervalMs` after the
 * last one finished.
 */
export async function eventually<T>(assertion: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 25 } = options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (performance.now() + intervalMs > deadline) {
        throw error instanceof Error ? Object.assign(error, { message: `still failing after ${timeoutMs} ms: ${error.message}` }) : error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
