import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Spawned, spawnLatchkey } from "../bench/processes";
import { createTestDatabase } from "../support/database";
import { eventually } from "../support/eventually";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { type Receiver, startReceiver } from "../support/webhook-receiver";
import { createEndpoint, endpointMessages } from "../support/webhooks";

const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };
const workerEnv = { ...keyMaterial, SCHEDULER_ENABLED: "true", WEBHOOK_ALLOWED_TARGETS: "127.0.0.1", WEBHOOK_TIMEOUT_SECONDS: "2" };

let api: TestServer;
let receiver: Receiver;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const workers: Spawned[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // The API answers here, with no worker; deliveries happen only in the spawned processes.
  api = await startTestServer({ ...keyMaterial, WEBHOOK_ALLOWED_TARGETS: "127.0.0.1" }, database.url);
  // The first delivery never gets an answer: it is in flight when its process is killed.
  receiver = await startReceiver((_request, index) => (index === 0 ? { status: 200, delayMs: Number.POSITIVE_INFINITY } : { status: 200 }));
});
afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) await worker.stop();
  await receiver?.close();
  await api?.stop();
  await database?.drop();
});

it("loses nothing when the worker process is killed mid-delivery: another instance delivers it, with the same webhook-id", async () => {
  workers.push(await spawnLatchkey(database.url, "crash-a", workerEnv));
  const team = await keyTeam(api, "Crash Motors");
  const { endpoint, userErrors } = await createEndpoint(api, team.owner.token, {
    organizationId: team.organization.id,
    url: receiver.url("/crash"),
  });
  expect(userErrors).toEqual([]);
  if (!endpoint) throw new Error("createWebhookEndpoint returned no endpoint");
  for (const name of ["One", "Two", "Three", "Four", "Five"]) await team.createKey({ name });

  const [inFlight] = await receiver.waitFor(1);
  workers[0].child.kill("SIGKILL");
  await new Promise((resolve) => workers[0].child.once("exit", resolve));
  workers.push(await spawnLatchkey(database.url, "crash-b", workerEnv));

  const settled = await eventually(
    async () => {
      const found = await endpointMessages(api, team.owner.token, endpoint.id);
      expect(found.messages.nodes.map((message) => message.status)).toEqual(Array(5).fill("SUCCEEDED"));
      return found;
    },
    { timeoutMs: 40_000 },
  );
  const names = settled.messages.nodes.map((message) => JSON.parse(message.body).data.name).sort();
  expect(names).toEqual(["Five", "Four", "One", "Three", "Two"]);
  // The interrupted message went out again under the same webhook-id, which a receiver uses to drop duplicates.
  const again = receiver.received.filter((request) => request.headers["webhook-id"] === inFlight.headers["webhook-id"]);
  expect(again.length).toBeGreaterThanOrEqual(2);
  expect(new Set(receiver.received.map((request) => request.headers["webhook-id"])).size).toBe(5);
}, 90_000);
