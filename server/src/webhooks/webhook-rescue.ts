import type { EntityManager } from "@mikro-orm/postgresql";
import { WEBHOOK_DELIVERY_TASK, WEBHOOK_FAN_OUT_TASK } from "../jobs/task-names";
import { enqueueDeliveries } from "./webhook-jobs";
import { overdueMessages } from "./webhook-messages";

const BATCH = 1_000;

/**
 * Takes up webhook work whose process died: unlocks webhook jobs held longer than a delivery can
 * take, and queues messages overdue by more than that (delivered in-process right after fan-out,
 * or with their attempt's lease run out). They then go out again: at least once, under the same
 * `webhook-id`, which lets receivers drop a duplicate.
 */
export async function rescueStalledWebhookJobs(em: EntityManager, leaseMs: number): Promise<void> {
  await em.execute(
    `select graphile_worker.force_unlock_workers(array_agg(distinct locked_by)) from graphile_worker.jobs
     where task_identifier in (?, ?) and locked_at < now() - ? * interval '1 millisecond'`,
    [WEBHOOK_FAN_OUT_TASK, WEBHOOK_DELIVERY_TASK, leaseMs],
  );
  await enqueueDeliveries(em, await overdueMessages(em, leaseMs, BATCH));
}
