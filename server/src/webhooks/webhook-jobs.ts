import type { EntityManager } from "@mikro-orm/postgresql";
import { WEBHOOK_DELIVERY_TASK } from "../jobs/task-names";

/**
 * The most messages one delivery wave claims, sends side by side, and settles: a wave costs two
 * statements and one opening of each endpoint's secrets, whatever its size.
 */
export const WAVE_SIZE = 100;

/**
 * Delivery waves one process runs at once: while some wait on receivers, others claim or settle.
 * With {@link WAVE_SIZE} this bounds the requests in flight, and so the connections kept alive to
 * an origin between waves.
 */
export const PARALLEL_WAVES = 5;

/** How long one attempt may hold a message (or its job) before it is presumed lost with its process. */
export function deliveryLeaseMs(timeoutMs: number): number {
  return timeoutMs * 2 + 5_000;
}

/**
 * Job payload of a fan-out, as the `domain_events` trigger queues it: the events one statement
 * inserted, up to 20 (`eventId` alone is the shape of jobs queued before fan-outs were batched).
 */
export type FanOutJob = { eventIds: string[] } | { eventId: string };

export function eventIdsOf(job: FanOutJob): string[] {
  return "eventIds" in job ? job.eventIds : [job.eventId];
}

/** Job payload of a delivery; `manual` marks a redelivery someone asked for. */
export interface DeliveryJob {
  messageId: string;
  manual?: boolean;
}

/**
 * Queues deliveries through `em`'s transaction, so they exist exactly when the change that caused
 * them commits. The job key (one per message) means a message never has two deliveries queued.
 */
export async function enqueueDeliveries(em: EntityManager, messageIds: string[], runAt: Date | null = null, manual = false) {
  if (!messageIds.length) return;
  await em.execute(
    `select graphile_worker.add_job(?, json_build_object('messageId', id, 'manual', ?::boolean),
       run_at := coalesce(?::timestamptz, now()), job_key := 'webhook_message:' || id, max_attempts := 25)
     from unnest(?::uuid[]) as id`,
    [WEBHOOK_DELIVERY_TASK, manual, runAt, uuidArray(messageIds)],
  );
}

/** A uuid[] parameter: knex would spread a JS array into a list of parameters. */
export function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(",")}}`;
}
