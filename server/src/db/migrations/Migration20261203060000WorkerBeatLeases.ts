import { Migration } from "@mikro-orm/migrations";

/**
 * Each beat says how long its worker is sure to be alive (its own lease from the beat), so that an
 * instance with a shorter lease does not take a live instance's job for a dead one's. Null for beats
 * of processes older than this, which the sweep judges by its own lease, as before.
 */
export class Migration20261203060000WorkerBeatLeases extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "job_worker_beats" add column "alive_until" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "job_worker_beats" drop column "alive_until";`);
  }
}
