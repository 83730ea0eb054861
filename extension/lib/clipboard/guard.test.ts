import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ClipboardAccess, createClipboardGuard } from "./guard";

/** A clipboard that the user can also write to, as the system one. */
function fakeClipboard(initial = ""): ClipboardAccess & { text: string } {
  const clipboard = {
    text: initial,
    read: async () => clipboard.text,
    write: async (text: string) => {
      clipboard.text = text;
    },
  };
  return clipboard;
}

describe("copying a secret with a timed clear", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("clears the clipboard after the delay when it still holds the secret", async () => {
    const clipboard = fakeClipboard("earlier text");
    const guard = createClipboardGuard(clipboard);
    await guard.copy("lk_sk_secret", 30_000);
    expect(clipboard.text).toBe("lk_sk_secret");
    await vi.advanceTimersByTimeAsync(29_000);
    expect(clipboard.text).toBe("lk_sk_secret");
    await vi.advanceTimersByTimeAsync(1_000);
    await guard.whenIdle();
    expect(clipboard.text).toBe("");
    expect(guard.hasPendingClear()).toBe(false);
  });

  it("leaves the clipboard alone when the user has copied something else since", async () => {
    const clipboard = fakeClipboard();
    const guard = createClipboardGuard(clipboard);
    await guard.copy("lk_sk_secret", 30_000);
    clipboard.text = "a URL the user copied";
    await vi.advanceTimersByTimeAsync(30_000);
    await guard.whenIdle();
    expect(clipboard.text).toBe("a URL the user copied");
  });

  it("restarts the delay for a newer copy, and clears only the newest secret", async () => {
    const clipboard = fakeClipboard();
    const guard = createClipboardGuard(clipboard);
    await guard.copy("lk_sk_first", 30_000);
    await vi.advanceTimersByTimeAsync(20_000);
    await guard.copy("lk_sk_second", 30_000);
    await vi.advanceTimersByTimeAsync(20_000);
    await guard.whenIdle();
    expect(clipboard.text).toBe("lk_sk_second");
    await vi.advanceTimersByTimeAsync(10_000);
    await guard.whenIdle();
    expect(clipboard.text).toBe("");
  });

  it("never clears when the delay is 0 (the user turned clearing off)", async () => {
    const clipboard = fakeClipboard();
    const guard = createClipboardGuard(clipboard);
    await guard.copy("lk_sk_secret", 0);
    expect(guard.hasPendingClear()).toBe(false);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(clipboard.text).toBe("lk_sk_secret");
  });
});
