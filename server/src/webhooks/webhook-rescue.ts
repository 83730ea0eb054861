import type { EntityManager } from "@mikro-orm/postgresql";
import { DELIVERY_TASK, FAN_OUT_TASK } from "./webhook-jobs";

/**
 * Unlocks webhook jobs held longer than a delivery can take: their worker died mid-job. The
 * delivery then runs again (at least once; the `webhook-id` lets receivers drop a duplicate).
 */
export async function rescueStalledWebhookJobs(em: EntityManager, leaseMs: number): Promise<void> {
  await em.execute(
    `select graphile_worker.force_unlock_workers(array_agg(distinct locked_by)) from graphile_worker.jobs
     where task_identifier in (?, ?) and locked_at < now() - ? * interval '1 millisecond'`,
    [FAN_OUT_TASK, DELIVERY_TASK, leaseMs],
  );
}
