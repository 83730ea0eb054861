import { afterAll, beforeAll, expect, it } from "vitest";
import { type Orm, openOrm } from "../../server/src/db/orm";
import { WEBHOOK_FAN_OUT_TASK } from "../../server/src/jobs/task-names";
import { rescueStalledWebhookJobs } from "../../server/src/webhooks/webhook-rescue";
import { eventually } from "../support/eventually";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { sql } from "../support/sql";
import { type Receiver, startReceiver } from "../support/webhook-receiver";
import { createEndpoint, WEBHOOK_TEST_ENV } from "../support/webhooks";

let server: TestServer;
let orm: Orm;
let receiver: Receiver;
let answer: () => void = () => undefined;
const answered = new Promise<void>((resolve) => {
  answer = resolve;
});

beforeAll(async () => {
  server = await startTestServer(WEBHOOK_TEST_ENV);
  orm = await openOrm(server.databaseUrl, { logger: () => undefined });
  // The delivery waits for the test's word: its fan-out job stays locked meanwhile.
  receiver = await startReceiver(() => ({ status: 200, until: answered }));
});
afterAll(async () => {
  answer();
  await receiver?.close();
  await orm?.close(true);
  await server?.stop();
});

it("beats for the worker that holds a running fan-out, so the rescue sweep of another instance leaves its job alone", async () => {
  const team = await keyTeam(server, "Beat Motors");
  const { userErrors } = await createEndpoint(server, team.owner.token, {
    organizationId: team.organization.id,
    url: receiver.url("/beat"),
  });
  expect(userErrors).toEqual([]);
  await team.createKey({ name: "Held" });
  await receiver.waitFor(1);

  const [job] = await sql<{ id: string; locked_by: string | null }>(
    server.databaseUrl,
    "select id, locked_by from graphile_worker.jobs where task_identifier = $1 and locked_by is not null",
    [WEBHOOK_FAN_OUT_TASK],
  );
  expect(job?.locked_by).toBeTruthy();
  const beats = await sql<{ fresh: boolean }>(
    server.databaseUrl,
    "select beat_at > now() - interval '30 seconds' as fresh from job_worker_beats where worker_id = $1",
    [job?.locked_by],
  );
  expect(beats).toEqual([{ fresh: true }]);

  // Locked for an hour, as far as the sweep can tell: it still leaves the job to its live worker.
  await sql(server.databaseUrl, "update graphile_worker._private_jobs set locked_at = now() - interval '1 hour' where id = $1", [job?.id]);
  await rescueStalledWebhookJobs(orm.em.fork(), 30_000);
  const [still] = await sql(server.databaseUrl, "select locked_by from graphile_worker.jobs where id = $1", [job?.id]);
  expect(still).toEqual({ locked_by: job?.locked_by });

  answer();
  await eventually(async () => {
    const left = await sql(server.databaseUrl, "select 1 from graphile_worker.jobs where task_identifier = $1", [WEBHOOK_FAN_OUT_TASK]);
    expect(left).toEqual([]);
  });
});
