import { addressBucket, FixedWindows } from "../auth/fixed-windows";

/** What to answer a credential that has just failed. */
export type FailureVerdict = { throttled: false } | { throttled: true; retryAfterSeconds: number };

/**
 * Failed attempts with keys, session tokens, access tokens and OAuth client secrets, counted per
 * client address and per presented public identifier (access key ID, Basic username, OAuth client
 * ID), 30 a minute each.
 *
 * Only failing attempts are ever refused. Every attempt is checked first (checking is a cheap hash
 * lookup), and a valid credential is answered whatever happened before from its address: otherwise
 * anyone sharing the address, or any web page the visitor opens, could lock out valid keys and
 * sessions by failing on purpose. Guessing gains nothing from this, as secrets carry 256 random bits.
 */
export class FailedAttempts {
  private readonly byAddress: FixedWindows;
  private readonly byIdentifier: FixedWindows;

  constructor(allowedPerMinute = 30, maxTracked = 100_000) {
    this.byAddress = new FixedWindows(allowedPerMinute, 60_000, maxTracked);
    this.byIdentifier = new FixedWindows(allowedPerMinute, 60_000, maxTracked);
  }

  /**
   * Call once an attempt has failed. Past either allowance the failure is throttled (answer 429
   * with Retry-After instead of the usual refusal) and not counted again; otherwise it is counted.
   */
  failed(address: string | null, identifier: string | null = null, now = Date.now()): FailureVerdict {
    const bucket = addressBucket(address);
    // Public IDs are short; a longer one is junk and is still counted, by its start.
    identifier = identifier ? identifier.slice(0, 100) : null;
    for (const [windows, key] of [
      [this.byAddress, bucket],
      [this.byIdentifier, identifier],
    ] as const) {
      if (key && windows.isOver(key, now)) return { throttled: true, retryAfterSeconds: windows.retryAfterSeconds(key, now) };
    }
    this.byAddress.add(bucket, now);
    if (identifier) this.byIdentifier.add(identifier, now);
    return { throttled: false };
  }
}
