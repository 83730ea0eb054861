import { createHistogram, type RecordableHistogram } from "node:perf_hooks";
import { Gauge, type Registry } from "prom-client";

/**
 * How often, in milliseconds, the event-loop delay is sampled. prom-client samples every 10 ms, which
 * wakes an idle instance a hundred times a second: on these machines 0.9% of a CPU spent on nothing,
 * taken from the verify listener's thread when the two share a core. Every stall of 100 ms or more is
 * still recorded (a sample is always due within it), a shorter one in proportion to its length.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** The event-loop delay statistics prom-client reports, each with how it is read off Node's histogram (nanoseconds). */
const STATISTICS = {
  min: (histogram: RecordableHistogram) => histogram.min,
  max: (histogram: RecordableHistogram) => histogram.max,
  mean: (histogram: RecordableHistogram) => histogram.mean,
  stddev: (histogram: RecordableHistogram) => histogram.stddev,
  p50: (histogram: RecordableHistogram) => histogram.percentile(50),
  p90: (histogram: RecordableHistogram) => histogram.percentile(90),
  p99: (histogram: RecordableHistogram) => histogram.percentile(99),
};
type Statistic = keyof typeof STATISTICS;

/**
 * prom-client's `nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds`, over the samples
 * since the last scrape as there, but sampled every EVENT_LOOP_SAMPLE_MS, and by a timer of our own
 * rather than Node's `monitorEventLoopDelay`, which prom-client uses: that one records the time
 * between two samples, interval included (an idle loop would read 100 ms of delay at our interval),
 * and after each scrape's reset it records nothing for the first interval, so a stall beginning then
 * went unseen. Replaces the gauges `collectDefaultMetrics` registered under `prefix`.
 */
export function registerEventLoopDelay(registry: Registry, prefix: string): void {
  const histogram = createHistogram();
  const interval = EVENT_LOOP_SAMPLE_MS * 1e6;
  let last = process.hrtime.bigint();
  // Unreferenced: it never keeps a stopping process alive.
  setInterval(() => {
    const now = process.hrtime.bigint();
    // Nanoseconds late; the histogram holds integers from 1.
    histogram.record(Math.max(1, Number(now - last) - interval));
    last = now;
  }, EVENT_LOOP_SAMPLE_MS).unref();
  let snapshot: Record<Statistic, number> | null = null;
  // A scrape collects every gauge in one turn: the first takes the figures and starts a new period.
  const figures = (): Record<Statistic, number> => {
    if (snapshot) return snapshot;
    const taken = {} as Record<Statistic, number>;
    for (const statistic of Object.keys(STATISTICS) as Statistic[]) {
      taken[statistic] = histogram.count ? STATISTICS[statistic](histogram) / 1e9 : 0;
    }
    histogram.reset();
    snapshot = taken;
    queueMicrotask(() => {
      snapshot = null;
    });
    return taken;
  };
  for (const statistic of Object.keys(STATISTICS) as Statistic[]) {
    const name = `${prefix}nodejs_eventloop_lag_${statistic}_seconds`;
    registry.removeSingleMetric(name);
    new Gauge({
      name,
      help: `The ${statistic} of the event loop's delay since the last scrape, in seconds.`,
      registers: [registry],
      collect() {
        this.set(figures()[statistic]);
      },
    });
  }
}
