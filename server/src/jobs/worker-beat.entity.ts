import { Entity, PrimaryKey, Property } from "@mikro-orm/core";

/**
 * A job worker's sign of life: each of a process's graphile-worker workers, with when the process
 * last said it was alive (`worker-beats.ts`). The rescue sweep takes up a stalled job only when the
 * worker holding it has stopped beating, so a live process keeps its long jobs however long they take.
 */
@Entity({ tableName: "job_worker_beats" })
export class WorkerBeat {
  @PrimaryKey({ type: "text" })
  workerId!: string;

  @Property({ type: "timestamptz", defaultRaw: "now()" })
  beatAt: Date = new Date();

  /** Until when the beat vouches for the worker: the beat plus its process's own lease (null from older processes). */
  @Property({ type: "timestamptz", nullable: true })
  aliveUntil: Date | null = null;
}
