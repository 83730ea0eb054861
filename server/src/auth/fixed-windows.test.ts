import { describe, expect, it } from "vitest";
import { addressBucket, FixedWindows } from "./fixed-windows";

describe("FixedWindows", () => {
  it("allows `limit` events per window, then says how long to wait, and starts over when the window ends", () => {
    const windows = new FixedWindows(2, 60_000);
    windows.add("a", 0);
    windows.add("a", 1_000);
    expect(windows.isOver("a", 1_000)).toBe(true);
    expect(windows.retryAfterSeconds("a", 30_500)).toBe(30);
    expect(windows.isOver("b", 1_000)).toBe(false);
    expect(windows.isOver("a", 60_000)).toBe(false);
    windows.add("a", 60_000);
    expect(windows.isOver("a", 60_000)).toBe(false);
  });

  it("forgets the window that started first when full, never one still filling", () => {
    const windows = new FixedWindows(1, 60_000, 2);
    windows.add("old", 0);
    windows.add("busy", 1);
    windows.add("old", 70_000); // a new window for "old": it is now the youngest
    windows.add("new", 70_001);
    expect(windows.isOver("old", 70_002)).toBe(true);
    expect(windows.isOver("busy", 70_002)).toBe(false);
  });
});

describe("addressBucket", () => {
  it("counts an IPv6 client by its /64, and an IPv4-mapped address as the IPv4 address", () => {
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe(addressBucket("2001:db8:1:2:bbbb::2"));
    expect(addressBucket("2001:db8:1:2::1")).not.toBe(addressBucket("2001:db8:1:3::1"));
    expect(addressBucket("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket(null)).toBe("unknown");
  });
});
