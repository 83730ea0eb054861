import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { badgeCutoff, badgeText, isDueBefore, showExpiringCount, warningNotification } from "./badge";

describe("the expiry badge and warnings", () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it("counts a key due to expire or to be disabled for inactivity within the window", () => {
    const now = new Date("2026-03-01T00:00:00Z");
    const cutoff = badgeCutoff(now);
    const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000).toISOString();
    const inDays = (days: number) => new Date(now.getTime() + days * 24 * 60 * 60 * 1000).toISOString();
    expect(isDueBefore({ expiresAt: inDays(3), lastUsedAt: daysAgo(1) }, 90, cutoff)).toBe(true);
    expect(isDueBefore({ expiresAt: inDays(30), lastUsedAt: daysAgo(85) }, 90, cutoff)).toBe(true);
    expect(isDueBefore({ expiresAt: null, lastUsedAt: daysAgo(85) }, 90, cutoff)).toBe(true);
    expect(isDueBefore({ expiresAt: inDays(30), lastUsedAt: daysAgo(80) }, 90, cutoff)).toBe(false);
    expect(isDueBefore({ expiresAt: null, lastUsedAt: daysAgo(25) }, 30, cutoff)).toBe(true);
    // Never used: the inactivity clock runs from creation.
    expect(isDueBefore({ expiresAt: null, lastUsedAt: null, createdAt: daysAgo(85) }, 90, cutoff)).toBe(true);
    expect(isDueBefore({ expiresAt: null, lastUsedAt: null, createdAt: daysAgo(10) }, 90, cutoff)).toBe(false);
  });

  it("counts keys on the badge, with no badge for none", async () => {
    await showExpiringCount(2);
    expect(await fakeBrowser.action.getBadgeText({})).toBe("2");
    expect(await fakeBrowser.action.getTitle({})).toBe("Latchkey: 2 keys expiring within 7 days");
    await showExpiringCount(0);
    expect(await fakeBrowser.action.getBadgeText({})).toBe("");
    expect(badgeText(250)).toBe("99+");
  });

  it("looks 7 days ahead", () => {
    expect(badgeCutoff(new Date("2026-01-01T00:00:00Z")).toISOString()).toBe("2026-01-08T00:00:00.000Z");
  });

  it("says which key expires or goes inactive, and when", () => {
    expect(warningNotification({ keyId: "k", data: { name: "CRM sync", clock: "EXPIRY", daysLeft: 7 } }).message).toBe(
      "CRM sync expires in 7 days.",
    );
    expect(warningNotification({ keyId: "k", data: { name: "CRM sync", clock: "INACTIVITY", daysLeft: 1 } }).message).toBe(
      "CRM sync will be disabled for inactivity in 1 day.",
    );
  });
});
