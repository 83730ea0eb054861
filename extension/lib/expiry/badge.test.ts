import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { badgeCutoff, badgeText, showExpiringCount, warningNotification } from "./badge";

describe("the expiry badge and warnings", () => {
  beforeEach(() => {
    fakeBrowser.reset();
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
