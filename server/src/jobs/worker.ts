import { Logger as GraphileLogger, parseCronItems, run } from "graphile-worker";
import { workerLogFunction } from "../observability/worker-log";
import { rescueStalledWebhookJobs } from "../webhooks/webhook-rescue";
import { CRON_ITEMS } from "./cron";
import { type TaskDependencies, taskList } from "./task-list";

/**
 * Jobs one instance runs at once. Webhook jobs spend their time waiting on receivers, so this is
 * about network waits, not CPU.
 */
export const JOB_CONCURRENCY = 16;

/**
 * graphile-worker's own connections: one per concurrent job (each takes one briefly to fetch and to
 * complete its job) and the one that LISTENs for new jobs. Smaller than the concurrency, it warns
 * on every start. Connections open on demand and close when idle.
 */
export const JOB_POOL_SIZE = JOB_CONCURRENCY + 1;

export interface JobWorkerOptions extends TaskDependencies {
  databaseUrl: string;
  /** How long a webhook attempt may hold its job before it is presumed lost with its process. */
  webhookLeaseMs: number;
  /** How often to look for jobs that have come due (`JOB_POLL_INTERVAL_SECONDS`). */
  pollIntervalMs: number;
}

/** A running worker; `stop` waits for the jobs in hand. */
export interface JobWorker {
  stop(): Promise<void>;
}

/**
 * The job queue on PostgreSQL (graphile-worker): the tasks of `task-list.ts`, the cron items of
 * `cron.ts`. Its row locks hand each job to one worker, so every instance can run one. It keeps its
 * own tables in the `graphile_worker` schema (migrated on every start, see `openDatabase`).
 */
export async function startJobWorker(options: JobWorkerOptions): Promise<JobWorker> {
  const log = options.log.child({ component: "jobs" });
  const runner = await run({
    connectionString: options.databaseUrl,
    concurrency: JOB_CONCURRENCY,
    maxPoolSize: JOB_POOL_SIZE,
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs,
    logger: new GraphileLogger(() => workerLogFunction(log)),
    taskList: taskList({ ...options, log }),
    parsedCronItems: parseCronItems([...CRON_ITEMS]),
  });
  // A process that dies mid-job leaves its jobs locked (for hours, by graphile-worker's rule) and
  // its messages undelivered; webhook work is short, so any instance takes it up much sooner.
  const rescue = async () => {
    try {
      await rescueStalledWebhookJobs(options.em.fork(), options.webhookLeaseMs);
    } catch (error) {
      log.warn({ err: error }, "could not rescue stalled webhook jobs");
    }
  };
  await rescue();
  const timer = setInterval(rescue, Math.min(options.webhookLeaseMs / 2, 30_000));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await runner.stop();
    },
  };
}
