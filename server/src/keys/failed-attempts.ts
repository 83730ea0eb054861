/**
 * Counts failed credential attempts per client address in fixed one-minute windows and says when an
 * address has used up its allowance. Kept in each instance's memory: a limit per instance is a
 * weaker bound across many instances, but costs the verify path no round trip.
 */
export class FailedAttempts {
  private readonly windows = new Map<string, { started: number; failures: number }>();

  constructor(
    private readonly allowedPerMinute = 30,
    private readonly maxTracked = 100_000,
  ) {}

  isBlocked(address: string | null, now = Date.now()): boolean {
    const window = this.windows.get(address ?? "unknown");
    return !!window && now - window.started < 60_000 && window.failures >= this.allowedPerMinute;
  }

  recordFailure(address: string | null, now = Date.now()): void {
    const id = address ?? "unknown";
    const window = this.windows.get(id);
    if (!window || now - window.started >= 60_000) {
      if (this.windows.size >= this.maxTracked) this.windows.delete(this.windows.keys().next().value as string);
      this.windows.set(id, { started: now, failures: 1 });
    } else {
      window.failures++;
    }
  }

  /** Seconds until the address may try again. */
  retryAfter(address: string | null, now = Date.now()): number {
    const window = this.windows.get(address ?? "unknown");
    return window ? Math.max(1, Math.ceil((window.started + 60_000 - now) / 1000)) : 0;
  }
}
