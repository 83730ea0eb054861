import type { EntityManager } from "@mikro-orm/postgresql";
import { type Runner, run, Logger as WorkerLogger } from "graphile-worker";
import type { Logger } from "../observability/logger";
import { sweepKeyDeadlines } from "./expiry-sweep";

export const KEY_DEADLINES_TASK = "latchkey_key_deadlines";

/**
 * The job queue on PostgreSQL (graphile-worker) that runs the key-deadline sweep as a cron task
 * every minute. graphile-worker's cron schedules each tick once across all instances, and the
 * sweep itself is safe to run concurrently, so every instance can run a worker. graphile-worker
 * keeps its own tables in the `graphile_worker` schema and migrates them itself.
 */
export async function startScheduler(options: { databaseUrl: string; em: EntityManager; log: Logger }): Promise<Runner> {
  const log = options.log.child({ component: "scheduler" });
  return run({
    connectionString: options.databaseUrl,
    concurrency: 2,
    noHandleSignals: true,
    pollInterval: 2_000,
    logger: new WorkerLogger(() => (level, message, meta) => {
      const method = level === "error" ? "error" : level === "warning" ? "warn" : "debug";
      log[method]({ meta }, message);
    }),
    taskList: {
      [KEY_DEADLINES_TASK]: async () => {
        const result = await sweepKeyDeadlines(options.em.fork());
        if (result.warnings || result.expired || result.disabled || result.deleted) log.info(result, "key deadlines swept");
      },
    },
    crontab: `* * * * * ${KEY_DEADLINES_TASK} ?max=1&id=key_deadlines`,
  });
}
