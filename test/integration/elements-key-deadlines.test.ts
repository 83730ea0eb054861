import { describe, expect, it } from "vitest";
import { dueSoon, expiryWords, inactivityWords, untilWords } from "../../server/elements/src/keys/deadlines";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const at = (offset: number) => new Date(NOW + offset).toISOString();
const key = (facts: Partial<{ state: string; expiresAt: string | null; lastUsedAt: string | null; createdAt: string }>) => ({
  state: "ACTIVE",
  expiresAt: null,
  lastUsedAt: null,
  createdAt: at(-10 * DAY),
  ...facts,
});

describe("the keys table's deadline wording", () => {
  it("says a key made for 3 days 'expires in 3 days' minutes later: days are rounded, not cut", () => {
    expect(expiryWords(key({ expiresAt: at(3 * DAY - 5 * 60_000) }), NOW)).toBe("expires in 3 days");
    expect(expiryWords(key({ expiresAt: at(2 * DAY + 13 * HOUR) }), NOW)).toBe("expires in 3 days");
  });

  it("keeps hours near the deadline and months far from it, and says when a key expired or never does", () => {
    expect(expiryWords(key({ expiresAt: at(5 * HOUR) }), NOW)).toBe("expires in 5 hours");
    expect(expiryWords(key({ expiresAt: at(200 * DAY) }), NOW)).toBe("expires in 7 months");
    expect(expiryWords(key({ expiresAt: at(800 * DAY) }), NOW)).toBe("expires in 2 years");
    expect(expiryWords(key({ expiresAt: at(-2 * DAY) }), NOW)).toBe("expired 2 days ago");
    expect(expiryWords(key({ expiresAt: null }), NOW)).toBe("never expires");
    expect(untilWords(at(-30 * 60_000), NOW)).toBe("30 minutes ago");
  });

  it("counts inactivity from the last use, or from creation for a key never used, as the expiry sweep does", () => {
    expect(inactivityWords(key({ lastUsedAt: at(-2 * DAY) }), 30, NOW)).toBe("disabled in 28 days if unused");
    expect(inactivityWords(key({ lastUsedAt: at(-2 * DAY) }), 90, NOW)).toBe("disabled in 3 months if unused");
    expect(inactivityWords(key({ lastUsedAt: null, createdAt: at(-27 * DAY) }), 30, NOW)).toBe("disabled in 3 days if unused");
    expect(inactivityWords(key({ lastUsedAt: at(-31 * DAY) }), 30, NOW)).toBe("disabled soon for lack of use");
  });

  it("says nothing of inactivity for keys that are not active: only active keys are disabled for it", () => {
    for (const state of ["PENDING", "DISABLED", "EXPIRED", "REVOKED"]) expect(inactivityWords(key({ state }), 30, NOW)).toBeNull();
  });

  it("marks an active key due within the longest warning period, by whichever deadline comes first", () => {
    const warnings = [30, 7, 1];
    expect(dueSoon(key({ expiresAt: at(3 * DAY), lastUsedAt: at(-DAY) }), 90, warnings, NOW)).toBe("Expires soon");
    expect(dueSoon(key({ expiresAt: at(30 * DAY - HOUR), lastUsedAt: at(-DAY) }), 90, warnings, NOW)).toBe("Expires soon");
    expect(dueSoon(key({ expiresAt: at(31 * DAY), lastUsedAt: at(-DAY) }), 90, warnings, NOW)).toBeNull();
    // Unused for 80 of 90 days: disabled in 10 days, before its expiry in 20.
    expect(dueSoon(key({ expiresAt: at(20 * DAY), lastUsedAt: at(-80 * DAY) }), 90, warnings, NOW)).toBe("Disabled soon if unused");
    expect(dueSoon(key({ expiresAt: null, lastUsedAt: null, createdAt: at(-85 * DAY) }), 90, warnings, NOW)).toBe(
      "Disabled soon if unused",
    );
    expect(dueSoon(key({ expiresAt: null, lastUsedAt: at(-DAY) }), 90, warnings, NOW)).toBeNull();
    // A shorter warning period narrows it; none, or a key that is not active, marks nothing.
    expect(dueSoon(key({ expiresAt: at(3 * DAY), lastUsedAt: at(-DAY) }), 90, [1], NOW)).toBeNull();
    expect(dueSoon(key({ expiresAt: at(3 * DAY) }), 90, [], NOW)).toBeNull();
    for (const state of ["PENDING", "DISABLED", "EXPIRED", "REVOKED"])
      expect(dueSoon(key({ state, expiresAt: at(3 * DAY) }), 90, warnings, NOW)).toBeNull();
  });
});
