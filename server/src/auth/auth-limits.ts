import { addressBucket, FixedWindows } from "./fixed-windows";

/** Wrong passwords for one account from one address, per minute, before that pair must wait. */
export const PASSWORD_FAILURES_PER_MINUTE = 30;

/**
 * Limits on password sign-in and sign-up, per client address. Both hash a password with argon2
 * (deliberately slow), so these are checked before any hashing:
 *
 * - sign-in: an address may try `signInsPerMinute` sign-ins in all, and 30 wrong passwords a minute
 *   for any one account. Past the first, every sign-in from the address waits; past the second,
 *   only that account does from there, so a correct password for another account still works.
 *   Unlike keys, a throttled password attempt is refused before it is checked: a password may be
 *   guessable, so a correct guess must not get through either.
 * - sign-up: an address may create `signUpsPerHour` accounts an hour.
 */
export class AuthLimits {
  private readonly signIns: FixedWindows;
  private readonly passwordFailures = new FixedWindows(PASSWORD_FAILURES_PER_MINUTE, 60_000);
  private readonly signUps: FixedWindows;

  constructor(settings: { signInsPerMinute: number; signUpsPerHour: number }) {
    this.signIns = new FixedWindows(settings.signInsPerMinute, 60_000);
    this.signUps = new FixedWindows(settings.signUpsPerHour, 3_600_000);
  }

  /** Counts a sign-in attempt; the reason and wait when it must be refused instead. */
  admitSignIn(address: string | null, email: string, now = Date.now()): Refusal | null {
    const bucket = addressBucket(address);
    if (this.signIns.isOver(bucket, now)) {
      return { reason: "Too many sign-ins from this address", retryAfterSeconds: this.signIns.retryAfterSeconds(bucket, now) };
    }
    const pair = `${bucket} ${email}`;
    if (this.passwordFailures.isOver(pair, now)) {
      return {
        reason: "Too many failed attempts from this address",
        retryAfterSeconds: this.passwordFailures.retryAfterSeconds(pair, now),
      };
    }
    this.signIns.add(bucket, now);
    return null;
  }

  passwordFailed(address: string | null, email: string, now = Date.now()): void {
    this.passwordFailures.add(`${addressBucket(address)} ${email}`, now);
  }

  /** Counts a sign-up attempt; the reason and wait when it must be refused instead. */
  admitSignUp(address: string | null, now = Date.now()): Refusal | null {
    const bucket = addressBucket(address);
    if (this.signUps.isOver(bucket, now)) {
      return { reason: "Too many sign-ups from this address", retryAfterSeconds: this.signUps.retryAfterSeconds(bucket, now) };
    }
    this.signUps.add(bucket, now);
    return null;
  }
}

export interface Refusal {
  reason: string;
  retryAfterSeconds: number;
}
