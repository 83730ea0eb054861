import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { WEBHOOK_FAN_OUT_TASK } from "../../server/src/jobs/task-names";
import { eventually } from "../support/eventually";
import { createOrganization, signUp } from "../support/graphql-client";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";
import { sql } from "../support/sql";
import { type Receiver, startReceiver } from "../support/webhook-receiver";
import { createEndpoint, WEBHOOK_TEST_ENV } from "../support/webhooks";

const EVENTS = 45;

// The first instance runs no worker, so the queue can be read as the trigger left it.
let queueOnly: TestServer;
let worker: TestServer | undefined;
let receiver: Receiver;

// Both instances open the endpoints' sealed signing secrets: they share key material.
const KEY_MATERIAL = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };

beforeAll(async () => {
  queueOnly = await startTestServer({ ...WEBHOOK_TEST_ENV, ...KEY_MATERIAL, SCHEDULER_ENABLED: "false" });
  receiver = await startReceiver();
});
afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await queueOnly?.stop();
});

it("queues the events one statement inserts as fan-out jobs of up to 20, then delivers each to every endpoint once, in one attempt", async () => {
  const owner = await signUp(queueOnly, "Bulk Owner");
  const organization = await createOrganization(queueOnly, owner.token, "Bulk Motors");
  for (const path of ["/bulk-a", "/bulk-b"]) {
    const created = await createEndpoint(queueOnly, owner.token, {
      organizationId: organization.id,
      url: receiver.url(path),
      eventTypes: ["key.updated"],
    });
    expect(created.userErrors).toEqual([]);
  }
  const [{ id: organizationId }] = await sql<{ id: string }>(queueOnly.databaseUrl, "select id from organizations where name = $1", [
    "Bulk Motors",
  ]);
  const inserted = await sql<{ id: string }>(
    queueOnly.databaseUrl,
    `insert into domain_events (id, type, organization_id, subject_id, payload)
     select gen_random_uuid(), 'key.updated', $1, gen_random_uuid(), jsonb_build_object('sequence', n) from generate_series(1, $2) as n
     returning id`,
    [organizationId, EVENTS],
  );
  const ids = new Set(inserted.map((row) => row.id));

  const jobs = await sql<{ payload: { eventIds?: string[] } }>(
    queueOnly.databaseUrl,
    // The public `jobs` view leaves payloads out.
    `select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
     where t.identifier = $1`,
    [WEBHOOK_FAN_OUT_TASK],
  );
  const ours = jobs.map((job) => job.payload.eventIds ?? []).filter((eventIds) => eventIds.some((id) => ids.has(id)));
  expect(ours.map((eventIds) => eventIds.length).sort((a, b) => a - b)).toEqual([5, 20, 20]);
  expect(new Set(ours.flat())).toEqual(ids);

  worker = await startSecondInstance(queueOnly, { ...WEBHOOK_TEST_ENV, ...KEY_MATERIAL });
  const received = await receiver.waitFor(EVENTS * 2, (request) => request.path.startsWith("/bulk-"));
  expect(new Set(received.map((request) => `${request.path} ${request.headers["webhook-id"]}`)).size).toBe(EVENTS * 2);
  await eventually(async () => {
    const messages = await sql<{ status: string; attempt_count: number; attempts: number }>(
      queueOnly.databaseUrl,
      `select m.status, m.attempt_count, (select count(*)::int from webhook_attempts a where a.message_id = m.id) as attempts
       from webhook_messages m where m.event_id = any($1::uuid[])`,
      [[...ids]],
    );
    expect(messages).toHaveLength(EVENTS * 2);
    for (const message of messages) expect(message).toEqual({ status: "SUCCEEDED", attempt_count: 1, attempts: 1 });
  });
});
