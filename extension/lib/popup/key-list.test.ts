import { describe, expect, it } from "vitest";
import type { PopupKeyView } from "../graphql/operations";
import { isExpiringSoon, sortKeys } from "./key-list";
import { rememberedReason, rememberReason } from "./reason-memory";
import { expiryWording, lastUsedWording } from "./words";

const NOW = new Date("2026-03-01T12:00:00Z").getTime();
const DAY = 24 * 60 * 60 * 1000;
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

function key(name: string, fields: Partial<PopupKeyView> = {}): PopupKeyView {
  return {
    id: name,
    name,
    kind: "SECRET",
    state: "ACTIVE",
    scopes: ["ORG_READ"],
    maskedSecret: "lk_sk_…abcd",
    publicId: null,
    personal: false,
    expiresAt: null,
    lastUsedAt: null,
    revokedReason: null,
    location: null,
    mappedUser: { id: "u", email: "u@example.test" },
    createdAt: at(-10 * DAY),
    viewerCan: { reveal: true, copy: true, rotate: true, revoke: true, disable: true, enable: false, approve: false, update: true },
    ...fields,
  };
}

describe("the popup's list", () => {
  it("words expiry and last use as people say them", () => {
    expect(expiryWording(at(3 * DAY), NOW)).toBe("expires in 3 days");
    expect(expiryWording(at(5 * 60 * 60 * 1000), NOW)).toBe("expires in 5 hours");
    expect(expiryWording(at(-2 * DAY), NOW)).toBe("expired 2 days ago");
    expect(expiryWording(null, NOW)).toBe("never expires");
    expect(lastUsedWording(at(-DAY), NOW)).toBe("used yesterday");
    expect(lastUsedWording(null, NOW)).toBe("never used");
  });

  it("sorts expiring first (working keys before dead ones), by recent use or by name, keys created here on top", () => {
    const keys = [
      key("Zeta", { expiresAt: at(30 * DAY), lastUsedAt: at(-DAY) }),
      key("Alpha", { expiresAt: null, lastUsedAt: at(-5 * DAY) }),
      key("Mid", { expiresAt: at(3 * DAY) }),
      key("Gone", { expiresAt: at(-DAY), state: "EXPIRED" }),
    ];
    const names = (sorted: PopupKeyView[]) => sorted.map((item) => item.name);
    expect(names(sortKeys(keys, "expiring"))).toEqual(["Mid", "Zeta", "Alpha", "Gone"]);
    expect(names(sortKeys(keys, "recent"))).toEqual(["Zeta", "Alpha", "Mid", "Gone"]);
    expect(names(sortKeys(keys, "name"))).toEqual(["Alpha", "Gone", "Mid", "Zeta"]);
    expect(names(sortKeys(keys, "name", new Set(["Zeta"])))).toEqual(["Zeta", "Alpha", "Gone", "Mid"]);
  });

  it("filters to what the badge counts: active keys due within 7 days, by expiry or inactivity", () => {
    const now = new Date(NOW);
    expect(isExpiringSoon(key("Soon", { expiresAt: at(3 * DAY) }), 90, now)).toBe(true);
    expect(isExpiringSoon(key("Idle", { lastUsedAt: at(-85 * DAY) }), 90, now)).toBe(true);
    expect(isExpiringSoon(key("Later", { expiresAt: at(30 * DAY), lastUsedAt: at(-DAY) }), 90, now)).toBe(false);
    expect(isExpiringSoon(key("Revoked", { expiresAt: at(3 * DAY), state: "REVOKED" }), 90, now)).toBe(false);
  });

  it("remembers a key's reason for five minutes, then asks again", () => {
    rememberReason("k1", "Configuring the webhook", NOW);
    expect(rememberedReason("k1", NOW + 4 * 60 * 1000)).toBe("Configuring the webhook");
    expect(rememberedReason("k2", NOW)).toBeNull();
    expect(rememberedReason("k1", NOW + 5 * 60 * 1000 + 1)).toBeNull();
  });
});
