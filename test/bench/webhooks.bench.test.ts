import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase } from "../support/database";
import { eventually } from "../support/eventually";
import { createOrganization, signUp } from "../support/graphql-client";
import { sql } from "../support/sql";
import { createEndpoint } from "../support/webhooks";
import { load } from "./load";
import { postmasterOnPort, processCpuMicroseconds, processTreeCpuMicroseconds } from "./process-cpu";
import { type Spawned, spawnLatchkey, spawnListening } from "./processes";
import { report } from "./report";

/**
 * Webhook fan-out: 1,000 events to 20 endpoints on a local receiver (20,000 deliveries) by two
 * Latchkey instances sharing the queue, all delivered and none twice, with the delivery rate
 * reported against the receiver's own ceiling (autocannon straight at it, in the same run).
 */
const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1_000);
const ENDPOINTS = 20;

let latchkey: Spawned;
let secondInstance: Spawned;
let receiver: Spawned;
let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
  const workerEnv = {
    SCHEDULER_ENABLED: "true",
    WEBHOOK_ALLOWED_TARGETS: "127.0.0.1",
    LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"),
    LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64"),
  };
  latchkey = await spawnLatchkey(database.url, "webhooks", workerEnv);
  secondInstance = await spawnLatchkey(database.url, "webhooks-2", workerEnv);
  receiver = await spawnListening(
    path.resolve(__dirname, "webhook-receiver.mjs"),
    [],
    process.env,
    /listening (\d+)/,
    (match) => `http://127.0.0.1:${match[1]}`,
  );
});
afterAll(async () => {
  await latchkey?.stop();
  await secondInstance?.stop();
  await receiver?.stop();
  await database?.drop();
});

const stats = async () =>
  (await (await fetch(`${receiver.url}/stats`)).json()) as { posts: number; unique: number; duplicates: number; connections: number };

it(`fans ${EVENTS} events out to ${ENDPOINTS} endpoints: every delivery made once`, async () => {
  const server = { graphqlUrl: `${latchkey.url}/graphql` };
  const owner = await signUp(server, "Fan-out Owner");
  const organization = await createOrganization(server, owner.token, "Fan-out Org");
  for (let index = 0; index < ENDPOINTS; index++) {
    const created = await createEndpoint({ graphqlUrl: server.graphqlUrl } as never, owner.token, {
      organizationId: organization.id,
      url: `${receiver.url}/endpoint-${index}`,
      eventTypes: ["key.updated"],
    });
    expect(created.userErrors).toEqual([]);
  }
  const ceiling = await load({ url: `${receiver.url}/ceiling`, body: "{}", connections: 8, seconds: 5 });

  // The events go into the outbox in one statement, as a burst of key changes would.
  const [{ id: organizationUuid }] = await sql<{ id: string }>(database.url, "select id from organizations limit 1");
  // CPU time tells more than the rate on a shared machine: what each party spent per delivery.
  const postmaster = postmasterOnPort(Number(new URL(database.url).port));
  const cpu = () => ({
    latchkey: [latchkey, secondInstance].reduce((sum, { child }) => sum + processCpuMicroseconds(child.pid ?? 0), 0),
    postgres: postmaster ? processTreeCpuMicroseconds(postmaster) : Number.NaN,
    receiver: processCpuMicroseconds(receiver.child.pid ?? 0),
  });
  const cpuBefore = cpu();
  const started = performance.now();
  await sql(
    database.url,
    `insert into domain_events (id, type, organization_id, subject_id, payload)
     select gen_random_uuid(), 'key.updated', $1, gen_random_uuid(), jsonb_build_object('sequence', n) from generate_series(1, $2) as n`,
    [organizationUuid, EVENTS],
  );
  const expected = EVENTS * ENDPOINTS;
  // Whatever has not arrived within 9 minutes shows in the figures (and fails the test below).
  await eventually(async () => expect((await stats()).unique).toBeGreaterThanOrEqual(expected), {
    timeoutMs: 540_000,
    intervalMs: 200,
  }).catch(() => undefined);
  const figures = await stats();
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpu();
  const perDelivery = (party: keyof typeof cpuBefore) => Math.round((cpuAfter[party] - cpuBefore[party]) / expected);
  const deliveriesPerSecond = expected / seconds;
  await report("webhook-fan-out", {
    events: EVENTS,
    endpoints: ENDPOINTS,
    instances: 2,
    deliveries: figures.unique,
    duplicates: figures.duplicates,
    // Sockets the receiver accepted (the ceiling's eight among them): what keep-alive saved.
    receiverConnections: figures.connections,
    seconds: Number(seconds.toFixed(2)),
    deliveriesPerSecond: Math.round(deliveriesPerSecond),
    receiverCeilingPerSecond: Math.round(ceiling.requestsPerSecond),
    ratio: Number((deliveriesPerSecond / ceiling.requestsPerSecond).toFixed(3)),
    cpuMicrosecondsPerDelivery: {
      latchkey: perDelivery("latchkey"),
      postgres: perDelivery("postgres"),
      receiver: perDelivery("receiver"),
    },
  });
  expect(figures.unique).toBe(expected);
  expect(figures.duplicates).toBe(0);
});
