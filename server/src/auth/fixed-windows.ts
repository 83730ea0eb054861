import ipaddr from "ipaddr.js";

/**
 * Counts events per key in fixed windows, in this instance's memory: no round trip on the paths
 * that use it (the verify path answers a cached key without a promise), at the price of a limit
 * per instance rather than per fleet. At most `maxTracked` keys are kept; when full, the key whose
 * window started first is forgotten, so a flood of new keys cannot grow the process.
 */
export class FixedWindows {
  private readonly windows = new Map<string, { started: number; count: number }>();

  constructor(
    /** Events allowed per key and window. */
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxTracked = 100_000,
  ) {}

  /** Whether the key has used up its allowance in the current window. */
  isOver(key: string, now = Date.now()): boolean {
    const window = this.current(key, now);
    return !!window && window.count >= this.limit;
  }

  add(key: string, now = Date.now()): void {
    const window = this.current(key, now);
    if (window) {
      window.count++;
      return;
    }
    // Delete before setting, so that the Map's order stays the order in which windows started.
    this.windows.delete(key);
    if (this.windows.size >= this.maxTracked) this.windows.delete(this.windows.keys().next().value as string);
    this.windows.set(key, { started: now, count: 1 });
  }

  /** Whole seconds until the key's window ends (at least 1). */
  retryAfterSeconds(key: string, now = Date.now()): number {
    const window = this.current(key, now);
    return window ? Math.max(1, Math.ceil((window.started + this.windowMs - now) / 1000)) : 1;
  }

  private current(key: string, now: number) {
    const window = this.windows.get(key);
    return window && now - window.started < this.windowMs ? window : undefined;
  }
}

/**
 * The unit an address limit counts: an IPv4 address, or the /64 network of an IPv6 address, since
 * one IPv6 client is routinely given a whole /64 and could otherwise use a fresh address per attempt.
 */
export function addressBucket(address: string | null): string {
  if (!address) return "unknown";
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 becomes IPv4
  if (parsed.kind() === "ipv4") return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(":")}::/64`;
}
