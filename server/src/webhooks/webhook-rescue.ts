import type { EntityManager } from "@mikro-orm/postgresql";
import { WEBHOOK_DELIVERY_TASK, WEBHOOK_FAN_OUT_TASK } from "../jobs/task-names";
import { enqueueDeliveries } from "./webhook-jobs";
import { overdueMessages } from "./webhook-messages";

const BATCH = 1_000;

/**
 * Takes up webhook work whose process died: unlocks webhook jobs locked for longer than a lease by
 * a worker whose last beat no longer vouches for it (`worker-beats.ts`: a live process's fan-out may
 * take longer, its messages waiting their turn, and keeps its job), and queues messages overdue by more
 * than a lease (pending with no job, or with their attempt's lease run out). They then go out
 * again: at least once, under the same `webhook-id`, which lets receivers drop a duplicate.
 */
export async function rescueStalledWebhookJobs(em: EntityManager, leaseMs: number): Promise<void> {
  await em.execute(
    `select graphile_worker.force_unlock_workers(array_agg(distinct locked_by)) from graphile_worker.jobs
     where task_identifier in (?, ?) and locked_at < now() - ? * interval '1 millisecond'
       and not exists (select 1 from job_worker_beats b where b.worker_id = locked_by
                         and coalesce(b.alive_until, b.beat_at + ? * interval '1 millisecond') >= now())`,
    [WEBHOOK_FAN_OUT_TASK, WEBHOOK_DELIVERY_TASK, leaseMs, leaseMs],
  );
  await enqueueDeliveries(em, await overdueMessages(em, leaseMs, BATCH));
}
