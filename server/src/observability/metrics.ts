import type { BaseContext, GraphQLRequestContextWillSendResponse } from "@apollo/server";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { EventBus } from "../events/event-bus";
import type { EventListener } from "../events/event-listener";
import { registerEventLoopDelay } from "./event-loop-delay";

const ONCE_A_DAY_MS = 24 * 60 * 60 * 1000;

/** Prometheus metrics of one server instance, in their own registry (tests run several servers per process). */
export function createMetrics() {
  const registry = new Registry();
  // prom-client's own event-loop delay sampler is left idle (a sample a day) and its gauges replaced.
  collectDefaultMetrics({ register: registry, prefix: "latchkey_", eventLoopMonitoringPrecision: ONCE_A_DAY_MS });
  registerEventLoopDelay(registry, "latchkey_");
  const operations = new Counter({
    name: "latchkey_graphql_operations_total",
    help: "GraphQL operations by operation name, type and outcome.",
    labelNames: ["operation", "type", "outcome"] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: "latchkey_graphql_operation_duration_seconds",
    help: "GraphQL operation latency by operation name.",
    labelNames: ["operation", "type"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const statements = new Counter({
    name: "latchkey_db_statements_total",
    help: "SQL statements sent to PostgreSQL.",
    registers: [registry],
  });

  /**
   * Counts and times one operation, from Apollo's `willSendResponse` (see apollo-request-hooks); the
   * name is the client's `operationName` or `anonymous`.
   */
  function recordOperation(request: GraphQLRequestContextWillSendResponse<BaseContext>, startedAt: bigint): void {
    const operation = request.operationName ?? "anonymous";
    const type = request.operation?.operation ?? "unknown";
    const outcome = request.errors?.length ? "error" : "success";
    operations.inc({ operation, type, outcome });
    durations.observe({ operation, type }, Number(process.hrtime.bigint() - startedAt) / 1e9);
  }

  return { registry, statements, recordOperation };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The event listener's state: an instance that cannot hear events serves stale caches and silent subscriptions. */
export function observeEventListener(metrics: Metrics, listener: EventListener): void {
  new Gauge({
    name: "latchkey_event_listener_connected",
    help: "1 while the LISTEN connection for cross-instance events is up, else 0.",
    registers: [metrics.registry],
    collect() {
      this.set(listener.connected ? 1 : 0);
    },
  });
  const reconnects = new Counter({
    name: "latchkey_event_listener_reconnects_total",
    help: "Times the event listener connected again after losing its connection.",
    registers: [metrics.registry],
  });
  const failures = new Counter({
    name: "latchkey_event_listener_reconnect_failures_total",
    help: "Failed attempts to reconnect the event listener.",
    registers: [metrics.registry],
  });
  listener.onReconnect(() => reconnects.inc());
  listener.onReconnectFailure(() => failures.inc());
}

/**
 * Subscribers to the event bus: how many listen now, and how many were registered since start. The
 * counter is also how a client (or a test) learns that its subscription is in place.
 */
export function observeEventBus(metrics: Metrics, bus: EventBus): void {
  new Gauge({
    name: "latchkey_event_subscribers",
    help: "Subscriptions currently listening for events on this instance.",
    registers: [metrics.registry],
    collect() {
      this.set(bus.subscriberCount);
    },
  });
  new Counter({
    name: "latchkey_event_subscriptions_total",
    help: "Subscriptions registered on this instance since it started; each hears every event committed after it.",
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc(bus.openedCount);
    },
  });
}
