import type { ApolloServerPlugin } from "@apollo/server";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Prometheus metrics of one server instance, in their own registry (tests run several servers per process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "latchkey_" });
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

  /** Counts and times every operation; the name is the client's `operationName` or `anonymous`. */
  const apolloPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(request) {
          const operation = request.operationName ?? "anonymous";
          const type = request.operation?.operation ?? "unknown";
          const outcome = request.errors?.length ? "error" : "success";
          operations.inc({ operation, type, outcome });
          durations.observe({ operation, type }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };

  return { registry, statements, apolloPlugin };
}

export type Metrics = ReturnType<typeof createMetrics>;
