import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { sql } from "../../../test/support/sql";
import { type Orm, openOrm } from "../db/orm";
import { WEBHOOK_FAN_OUT_TASK } from "../jobs/task-names";
import { beat, forgetBeats } from "../jobs/worker-beats";
import { rescueStalledWebhookJobs } from "./webhook-rescue";

const LEASE_MS = 10_000;
let server: TestServer;
let orm: Orm;
beforeAll(async () => {
  // No worker runs here: the jobs stay as the test locks them.
  server = await startTestServer({ SCHEDULER_ENABLED: "false" });
  orm = await openOrm(server.databaseUrl, { logger: () => undefined });
});
afterAll(async () => {
  await orm?.close(true);
  await server?.stop();
});

/** A fan-out job locked by `workerId` a minute ago, as a worker that took it would leave it. */
async function lockedJob(workerId: string): Promise<string> {
  const [{ id }] = await sql<{ id: string }>(server.databaseUrl, "select (graphile_worker.add_job($1, '{\"eventIds\": []}'::json)).id", [
    WEBHOOK_FAN_OUT_TASK,
  ]);
  await sql(
    server.databaseUrl,
    "update graphile_worker._private_jobs set locked_at = now() - interval '1 minute', locked_by = $2 where id = $1",
    [id, workerId],
  );
  return id;
}

const lockOf = async (jobId: string) =>
  (await sql<{ locked_by: string | null }>(server.databaseUrl, "select locked_by from graphile_worker.jobs where id = $1", [jobId]))[0]
    ?.locked_by;

it("leaves a job held longer than a lease to its worker while the worker beats, and takes it up once it stopped", async () => {
  const alive = await lockedJob("worker-alive");
  const dead = await lockedJob("worker-dead");
  const silent = await lockedJob("worker-silent");
  await beat(orm.em.fork(), ["worker-alive", "worker-silent"], LEASE_MS);
  // The silent worker's last beat was longer ago than its lease.
  await sql(
    server.databaseUrl,
    "update job_worker_beats set beat_at = now() - interval '11 seconds', alive_until = now() - interval '1 second' where worker_id = 'worker-silent'",
  );

  await rescueStalledWebhookJobs(orm.em.fork(), LEASE_MS);
  expect(await lockOf(alive)).toBe("worker-alive");
  expect(await lockOf(dead)).toBeNull();
  expect(await lockOf(silent)).toBeNull();

  // A process that stops forgets its beats: its jobs (released by graphile-worker itself on a
  // graceful stop) are no longer kept from the rescue should any be left locked.
  await forgetBeats(orm.em.fork(), ["worker-alive"]);
  await rescueStalledWebhookJobs(orm.em.fork(), LEASE_MS);
  expect(await lockOf(alive)).toBeNull();
  expect(await sql(server.databaseUrl, "select worker_id from job_worker_beats order by worker_id")).toEqual([
    { worker_id: "worker-silent" },
  ]);
});

it("judges a beat by the lease of the process that beat, not by the sweeper's own", async () => {
  const patient = await lockedJob("worker-patient");
  const hurried = await lockedJob("worker-hurried");
  // An instance with a 60 s lease beat 20 s ago: alive for 40 s more, whatever this sweeper's 10 s lease says.
  await beat(orm.em.fork(), ["worker-patient"], 60_000);
  await sql(
    server.databaseUrl,
    "update job_worker_beats set beat_at = beat_at - interval '20 seconds', alive_until = alive_until - interval '20 seconds' where worker_id = 'worker-patient'",
  );
  // An instance too old to say how long (no alive_until) beat 11 s ago: judged by this sweeper's lease.
  await sql(
    server.databaseUrl,
    "insert into job_worker_beats (worker_id, beat_at) values ('worker-hurried', now() - interval '11 seconds')",
  );

  await rescueStalledWebhookJobs(orm.em.fork(), LEASE_MS);
  expect(await lockOf(patient)).toBe("worker-patient");
  expect(await lockOf(hurried)).toBeNull();
});
