import { Migration } from "@mikro-orm/migrations";

/**
 * Job workers' signs of life: the rescue sweep takes up a stalled webhook job only once the worker
 * holding it has stopped beating, not merely because it has run for a while.
 */
export class Migration20261203050000JobWorkerBeats extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "job_worker_beats" ("worker_id" text not null, "beat_at" timestamptz not null default now(), constraint "job_worker_beats_pkey" primary key ("worker_id"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "job_worker_beats";`);
  }
}
