import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import { KeyCrypto } from "../keys/key-crypto";
import { EndpointSigners } from "./webhook-signers";
import { newSigningSecret } from "./webhook-signing";

const crypto = new KeyCrypto(randomBytes(32), [randomBytes(32)]);
const at = new Date("2026-12-03T10:00:00Z");
const later = (ms: number) => new Date(at.getTime() + ms);
const body = '{"type":"key.updated"}';

function endpoint(current: string, previous: { secret: string; expiresAt: Date } | null = null) {
  return {
    endpoint_id: "endpoint-1",
    sealed_secret: crypto.seal(current),
    previous_sealed_secret: previous ? crypto.seal(previous.secret) : null,
    previous_secret_expires_at: previous?.expiresAt ?? null,
  };
}

describe("EndpointSigners", () => {
  it("opens an endpoint's secrets once for the waves of a second, then again", () => {
    const open = vi.spyOn(crypto, "open");
    const signers = new EndpointSigners(crypto, 1_000);
    const secret = newSigningSecret();
    const message = endpoint(secret);
    for (const ms of [0, 10, 999]) {
      expect(signers.signerOf(message, later(ms))("msg_1", at, body)).toBe(new Webhook(secret).sign("msg_1", at, body));
    }
    expect(open).toHaveBeenCalledTimes(1);
    signers.signerOf(message, later(1_000));
    expect(open).toHaveBeenCalledTimes(2);
    open.mockRestore();
  });

  it("signs with a rotated secret at once, and with the previous one only until it expires", () => {
    const signers = new EndpointSigners(crypto, 60_000);
    const [first, second] = [newSigningSecret(), newSigningSecret()];
    expect(signers.signerOf(endpoint(first), at)("msg_1", at, body)).toBe(new Webhook(first).sign("msg_1", at, body));
    const rotated = endpoint(second, { secret: first, expiresAt: later(5_000) });
    const both = [new Webhook(second).sign("msg_1", at, body), new Webhook(first).sign("msg_1", at, body)].join(" ");
    expect(signers.signerOf(rotated, later(1))("msg_1", at, body)).toBe(both);
    expect(signers.signerOf(rotated, later(4_999))("msg_1", at, body)).toBe(both);
    expect(signers.signerOf(rotated, later(5_000))("msg_1", at, body)).toBe(new Webhook(second).sign("msg_1", at, body));
  });

  it("stops signing with the previous secret at once when its grace is ended early", () => {
    const signers = new EndpointSigners(crypto, 60_000);
    const [first, second] = [newSigningSecret(), newSigningSecret()];
    const rotated = endpoint(second, { secret: first, expiresAt: later(50_000) });
    const both = [new Webhook(second).sign("msg_1", at, body), new Webhook(first).sign("msg_1", at, body)].join(" ");
    expect(signers.signerOf(rotated, at)("msg_1", at, body)).toBe(both);
    // The same secrets, the previous one's expiry moved to the past.
    const ended = { ...rotated, previous_secret_expires_at: later(2) };
    expect(signers.signerOf(ended, later(3))("msg_1", at, body)).toBe(new Webhook(second).sign("msg_1", at, body));
  });

  it("lets go of an endpoint's opened secrets after their lifetime, with no wave to replace them", () => {
    vi.useFakeTimers();
    try {
      const signers = new EndpointSigners(crypto, 1_000);
      signers.signerOf(endpoint(newSigningSecret()), new Date());
      vi.advanceTimersByTime(999);
      expect(signers.size).toBe(1);
      vi.advanceTimersByTime(1);
      expect(signers.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
