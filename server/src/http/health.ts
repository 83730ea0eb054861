import type { FastifyInstance } from "fastify";
import type { Metrics } from "../observability/metrics";

/** `/healthz`: the process answers. `/readyz`: it can serve (database reachable, migrations applied). `/metrics`: Prometheus. */
export function registerHealthRoutes(fastify: FastifyInstance, options: { metrics: Metrics; isReady: () => Promise<boolean> }) {
  fastify.get("/healthz", async () => ({ status: "ok" }));

  fastify.get("/readyz", async (_request, reply) => {
    const ready = await options.isReady().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "unavailable" });
  });

  fastify.get("/metrics", async (_request, reply) => {
    reply.header("content-type", options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
}
