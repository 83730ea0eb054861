import type { EntityManager } from "@mikro-orm/postgresql";

/** How long a process's beats are kept once it stopped beating: long past any lease, short of forever. */
const FORGOTTEN_AFTER = "1 day";

/**
 * Says the workers are alive now and for `leaseMs` more (`WorkerBeat`), and forgets those of processes
 * that stopped beating long ago without a word (they died), in one statement.
 */
export async function beat(em: EntityManager, workerIds: readonly string[], leaseMs: number): Promise<void> {
  await em.execute(
    `with forgotten as (delete from job_worker_beats where beat_at < now() - interval '${FORGOTTEN_AFTER}')
     insert into job_worker_beats (worker_id, beat_at, alive_until)
       select unnest(?::text[]), now(), now() + ? * interval '1 millisecond'
     on conflict (worker_id) do update set beat_at = excluded.beat_at, alive_until = excluded.alive_until`,
    [`{${workerIds.join(",")}}`, leaseMs],
  );
}

/** Forgets the workers of a process that stops. */
export async function forgetBeats(em: EntityManager, workerIds: readonly string[]): Promise<void> {
  await em.execute("delete from job_worker_beats where worker_id = any(?::text[])", [`{${workerIds.join(",")}}`]);
}
