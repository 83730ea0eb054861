import type { EntityManager } from "@mikro-orm/postgresql";
import { DELIVERY_TASK, enqueueDeliveries, FAN_OUT_TASK } from "./webhook-jobs";

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
    [FAN_OUT_TASK, DELIVERY_TASK, leaseMs],
  );
  const overdue = await em.execute<Array<{ id: string }>>(
    `select m.id from webhook_messages m join webhook_endpoints e on e.id = m.endpoint_id
     where m.status in ('PENDING', 'DELIVERING') and m.next_attempt_at < now() - ? * interval '1 millisecond'
       and (m.status = 'PENDING' or m.lease_until < now()) and e.status = 'ENABLED'
     limit ?`,
    [leaseMs, BATCH],
  );
  await enqueueDeliveries(
    em,
    overdue.map((message) => message.id),
  );
}
