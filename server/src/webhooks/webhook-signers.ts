import type { KeyCrypto } from "../keys/key-crypto";
import type { OutgoingMessage } from "./webhook-messages";
import { type Signer, signerFor } from "./webhook-signing";

/**
 * How long an endpoint's opened secrets serve the waves that follow. Opening one (AES-GCM) costs
 * tens of microseconds, as much as several deliveries' signing; a second keeps that to once a second
 * per endpoint under load, and this process lets go of opened secrets within about two.
 */
const SIGNER_LIFETIME_MS = 1_000;

type SecretsOf = Pick<OutgoingMessage, "endpoint_id" | "sealed_secret" | "previous_sealed_secret" | "previous_secret_expires_at">;

interface Known {
  signer: Signer;
  sealed: string;
  previousSealed: string | null;
  previousExpires: number | undefined;
  /** When this signer stops serving: its lifetime's end, or the previous secret's expiry if sooner. */
  until: number;
}

/**
 * Each endpoint's signer, for a moment: the current secret and, until it expires, the previous one
 * (so that receivers holding either accept the message). A message whose secrets differ from the
 * signer's (rotated, or the previous one's expiry moved) gets a new one at once.
 */
export class EndpointSigners {
  private readonly known = new Map<string, Known>();
  /** Lets go of the signers past their time, also when no wave comes to replace them. */
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly crypto: KeyCrypto,
    private readonly lifetimeMs = SIGNER_LIFETIME_MS,
  ) {}

  /** The signer for a message sent at `at`. */
  signerOf(message: SecretsOf, at: Date): Signer {
    const now = at.getTime();
    const known = this.known.get(message.endpoint_id);
    if (
      known &&
      known.until > now &&
      known.sealed === message.sealed_secret &&
      known.previousSealed === message.previous_sealed_secret &&
      known.previousExpires === message.previous_secret_expires_at?.getTime()
    ) {
      return known.signer;
    }
    const secrets = [this.crypto.open(message.sealed_secret)];
    let until = now + this.lifetimeMs;
    const previousExpires = message.previous_secret_expires_at?.getTime();
    if (message.previous_sealed_secret && previousExpires !== undefined && previousExpires > now) {
      secrets.push(this.crypto.open(message.previous_sealed_secret));
      until = Math.min(until, previousExpires);
    }
    const signer = signerFor(secrets);
    this.known.set(message.endpoint_id, {
      signer,
      sealed: message.sealed_secret,
      previousSealed: message.previous_sealed_secret,
      previousExpires,
      until,
    });
    this.sweepLater();
    return signer;
  }

  /** How many endpoints' signers are held. */
  get size(): number {
    return this.known.size;
  }

  private sweepLater(): void {
    if (this.sweep) return;
    this.sweep = setTimeout(() => {
      this.sweep = null;
      const now = Date.now();
      for (const [endpointId, known] of this.known) if (known.until <= now) this.known.delete(endpointId);
      if (this.known.size) this.sweepLater();
    }, this.lifetimeMs);
    // Nothing waits on it: it must not keep the process alive.
    this.sweep.unref();
  }
}
