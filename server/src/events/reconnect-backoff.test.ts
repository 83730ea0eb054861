import { describe, expect, it } from "vitest";
import { reconnectDelayMs } from "./reconnect-backoff";

describe("reconnectDelayMs", () => {
  it("starts at 100 ms and doubles, each delay between half and all of its ceiling", () => {
    const lowest = [0, 1, 2, 3, 4].map((failures) => reconnectDelayMs(failures, () => 0));
    const highest = [0, 1, 2, 3, 4].map((failures) => reconnectDelayMs(failures, () => 1));
    expect(highest).toEqual([100, 200, 400, 800, 1600]);
    expect(lowest).toEqual([50, 100, 200, 400, 800]);
  });

  it("never waits more than 5 s, however many attempts failed", () => {
    for (const failures of [6, 7, 50, 1_000_000]) {
      expect(reconnectDelayMs(failures, () => 1)).toBe(5_000);
      expect(reconnectDelayMs(failures, () => 0)).toBe(2_500);
    }
  });
});
