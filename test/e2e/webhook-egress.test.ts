import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Spawned, spawnLatchkey } from "../bench/processes";
import { createTestDatabase } from "../support/database";
import { PUBLIC_LOOKING_ADDRESS } from "../support/egress";
import { eventually } from "../support/eventually";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { createEndpoint, endpointMessages, endpointMutation } from "../support/webhooks";

const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let api: TestServer;
let worker: Spawned;

beforeAll(async () => {
  database = await createTestDatabase();
  // The API answers here, with no worker; deliveries happen only in the spawned process, which asks for public egress.
  api = await startTestServer(keyMaterial, database.url);
  worker = await spawnLatchkey(database.url, "egress", {
    ...keyMaterial,
    SCHEDULER_ENABLED: "true",
    WEBHOOK_EGRESS: "public",
    WEBHOOK_TIMEOUT_SECONDS: "2",
    WEBHOOK_RETRY_SCHEDULE: "60",
  });
});
afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await database?.drop();
});

it("a server process a test spawns refuses to deliver to a public address, whatever egress the test asks for", async () => {
  const team = await keyTeam(api, "Spawned Egress Motors");
  // A global unicast address that IANA has not allocated: it passes the save-time check as public.
  const url = `http://[${PUBLIC_LOOKING_ADDRESS}]:9/hook`;
  const created = await createEndpoint(api, team.owner.token, { organizationId: team.organization.id, url });
  expect(created.userErrors).toEqual([]);
  const id = created.endpoint?.id as string;
  await endpointMutation(api, team.owner.token, "sendTestWebhook", id);
  const attempt = await eventually(async () => {
    const [attempted] = (await endpointMessages(api, team.owner.token, id)).messages.nodes[0]?.attempts ?? [];
    expect(attempted, "the refused attempt").toBeDefined();
    return attempted;
  });
  expect(attempt).toMatchObject({
    url,
    responseStatus: null,
    error: "egress refused: this server delivers webhooks to loopback addresses only (WEBHOOK_EGRESS=loopback)",
  });
}, 60_000);
