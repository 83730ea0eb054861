import { describe, expect, it } from "vitest";
import { EVENT_LOOP_SAMPLE_MS } from "./event-loop-delay";
import { createMetrics } from "./metrics";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value of each event-loop delay gauge in one scrape, by statistic. */
async function delays(metrics: ReturnType<typeof createMetrics>): Promise<Record<string, number>> {
  const text = await metrics.registry.metrics();
  const found = [...text.matchAll(/^latchkey_nodejs_eventloop_lag_(\w+)_seconds (\S+)$/gm)];
  return Object.fromEntries(found.map(([, statistic, value]) => [statistic, Number(value)]));
}

describe("the event-loop delay gauges", () => {
  it("read no delay on an idle loop, though it is sampled only every 100 ms, and see a stall of the loop", async () => {
    const metrics = createMetrics();
    await pause(EVENT_LOOP_SAMPLE_MS * 4);
    const idle = await delays(metrics);
    expect(Object.keys(idle).sort()).toEqual(["max", "mean", "min", "p50", "p90", "p99", "stddev"]);
    // Node's histogram holds the time between samples: uncorrected, an idle loop would read 0.1 s.
    expect(idle.p50).toBeLessThan(0.05);
    expect(idle.min).toBeGreaterThanOrEqual(0);

    const until = Date.now() + 300;
    while (Date.now() < until) {
      // The loop is stalled on purpose.
    }
    await pause(EVENT_LOOP_SAMPLE_MS * 2);
    const stalled = await delays(metrics);
    expect(stalled.max).toBeGreaterThan(0.2);
    // Each scrape covers the samples since the one before: the stall is not counted twice.
    await pause(EVENT_LOOP_SAMPLE_MS * 3);
    expect((await delays(metrics)).max).toBeLessThan(0.2);
  });
});
