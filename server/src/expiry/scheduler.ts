import type { EntityManager } from "@mikro-orm/postgresql";
import { type Runner, run, Logger as WorkerLogger } from "graphile-worker";
import { serviceContext } from "../core/service-context";
import type { Logger } from "../observability/logger";
import { workerLogFunction } from "../observability/worker-log";
import type { WebhookDelivery } from "../webhooks/webhook-delivery";
import { WebhookAttemptTrigger } from "../webhooks/webhook-enums";
import { fanOutEvent } from "../webhooks/webhook-fan-out";
import { DELIVERY_TASK, type DeliveryJob, FAN_OUT_TASK } from "../webhooks/webhook-jobs";
import { rescueStalledWebhookJobs } from "../webhooks/webhook-rescue";
import { EXPIRY_SWEEP_ORIGIN, sweepKeyDeadlines } from "./expiry-sweep";

export const KEY_DEADLINES_TASK = "latchkey_key_deadlines";

/**
 * The job queue on PostgreSQL (graphile-worker): the key-deadline sweep as a cron task every minute,
 * and webhook fan-out and delivery. graphile-worker's cron schedules each tick once across all
 * instances, its row locks hand each job to one worker, and the sweep is safe to run concurrently,
 * so every instance can run a worker. graphile-worker keeps its own tables in the
 * `graphile_worker` schema (migrated on every start, see `openDatabase`).
 */
export async function startScheduler(options: {
  databaseUrl: string;
  em: EntityManager;
  log: Logger;
  webhookDelivery: WebhookDelivery;
  webhookLeaseMs: number;
  /** How often to look for jobs that have come due (`JOB_POLL_INTERVAL_SECONDS`). */
  pollIntervalMs: number;
}): Promise<{ stop(): Promise<void> }> {
  const log = options.log.child({ component: "scheduler" });
  const runner: Runner = await run({
    connectionString: options.databaseUrl,
    concurrency: 16,
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs,
    logger: new WorkerLogger(() => workerLogFunction(log)),
    taskList: {
      [KEY_DEADLINES_TASK]: async () => {
        const result = await sweepKeyDeadlines(serviceContext(options.em, { origin: EXPIRY_SWEEP_ORIGIN }));
        if (result.warnings || result.expired || result.disabled || result.deleted) log.info(result, "key deadlines swept");
      },
      [FAN_OUT_TASK]: async (payload) => {
        const messageIds = await fanOutEvent(options.em.fork(), (payload as { eventId: string }).eventId);
        await options.webhookDelivery.deliver(messageIds);
      },
      [DELIVERY_TASK]: async (payload) => {
        const job = payload as DeliveryJob;
        await options.webhookDelivery.deliver([job.messageId], job.manual ? WebhookAttemptTrigger.MANUAL : WebhookAttemptTrigger.SCHEDULED);
      },
    },
    crontab: `* * * * * ${KEY_DEADLINES_TASK} ?max=1&id=key_deadlines`,
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
