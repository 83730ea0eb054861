import { EventEmitter } from "node:events";
import { Logger as GraphileLogger, parseCronItems, type Runner, run, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { IDLE_CONNECTION_MS } from "../db/orm";
import { workerLogFunction } from "../observability/worker-log";
import { rescueStalledWebhookJobs } from "../webhooks/webhook-rescue";
import { CRON_ITEMS } from "./cron";
import { type TaskDependencies, taskList } from "./task-list";
import { beat, forgetBeats } from "./worker-beats";

/**
 * Jobs one instance runs at once. Webhook jobs spend their time waiting on receivers, so this is
 * about network waits, not CPU.
 */
export const JOB_CONCURRENCY = 16;

/**
 * graphile-worker's own connections: one per concurrent job (each takes one briefly to fetch and to
 * complete its job) and the one that LISTENs for new jobs. Smaller than the concurrency, it warns
 * on every start. Connections open on demand and close once idle for `IDLE_CONNECTION_MS`.
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
  // Its workers' IDs, as they lock jobs (`locked_by`): what this process beats for.
  const events = new EventEmitter() as WorkerEvents;
  const workerIds: string[] = [];
  const everyWorkerId: string[] = [];
  events.on("worker:create", ({ worker }) => {
    workerIds.push(worker.workerId);
    everyWorkerId.push(worker.workerId);
  });
  // A worker graphile-worker stopped (it could not record a job's outcome) holds its job until
  // another instance takes it up: it no longer beats.
  events.on("worker:stop", ({ worker }) => {
    const at = workerIds.indexOf(worker.workerId);
    if (at >= 0) workerIds.splice(at, 1);
  });
  // Our own pool only to keep its connections through a lull (pg's default lets them go after 10 s).
  // graphile-worker handles its errors while it runs, but lets go of the pool when its runner stops
  // and leaves it open (it is not its own): an idle connection dropped then would be an unhandled
  // 'error' event, which ends the process. This listener lasts as long as the pool.
  const pgPool = new pg.Pool({ connectionString: options.databaseUrl, max: JOB_POOL_SIZE, idleTimeoutMillis: IDLE_CONNECTION_MS });
  pgPool.on("error", (error) => log.warn({ err: error }, "a job queue connection failed"));
  let runner: Runner;
  try {
    runner = await run({
      events,
      pgPool,
      concurrency: JOB_CONCURRENCY,
      noHandleSignals: true,
      pollInterval: options.pollIntervalMs,
      logger: new GraphileLogger(() => workerLogFunction(log)),
      taskList: taskList({ ...options, log }),
      parsedCronItems: parseCronItems([...CRON_ITEMS]),
    });
  } catch (error) {
    await pgPool.end();
    throw error;
  }
  // A process that dies mid-job leaves its jobs locked (for hours, by graphile-worker's rule) and
  // its messages undelivered; webhook work is short, so any instance takes it up much sooner, once
  // the process stopped beating. The beat comes first, every third of a lease, and vouches for a whole
  // lease (this process's, whatever another's is): one failed beat leaves a live process covered.
  const tick = async () => {
    try {
      await beat(options.em.fork(), workerIds, options.webhookLeaseMs);
      await rescueStalledWebhookJobs(options.em.fork(), options.webhookLeaseMs);
    } catch (error) {
      log.warn({ err: error }, "could not beat or rescue stalled webhook jobs");
    }
  };
  // The runner may stop by itself (graphile-worker stops on a breaking change of its schema by a newer
  // instance); `stop` then has nothing to stop but still cleans up.
  let runnerStopped = false;
  runner.promise.then(
    () => (runnerStopped = true),
    (error: unknown) => {
      runnerStopped = true;
      log.error({ err: error }, "the job runner stopped");
    },
  );
  await tick();
  const timer = setInterval(tick, Math.min(options.webhookLeaseMs / 3, 30_000));
  timer.unref();
  return {
    async stop() {
      // Beating until the jobs in hand are done: a fan-out still sending is left to this process.
      try {
        if (!runnerStopped) await runner.stop();
      } finally {
        clearInterval(timer);
        await pgPool.end();
      }
      await forgetBeats(options.em.fork(), everyWorkerId).catch((error: unknown) =>
        log.warn({ err: error }, "could not forget worker beats"),
      );
    },
  };
}
