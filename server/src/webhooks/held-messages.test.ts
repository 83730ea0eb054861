import { afterAll, beforeAll, expect, it } from "vitest";
import { keyTeam } from "../../../test/support/keys";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { sql } from "../../../test/support/sql";
import { createEndpoint, WEBHOOK_TEST_ENV } from "../../../test/support/webhooks";
import { type Orm, openOrm } from "../db/orm";
import { heldToSend } from "./held-messages";
import { messageIdOf, type OutgoingMessage } from "./webhook-messages";

let server: TestServer;
let orm: Orm;
beforeAll(async () => {
  // No worker: the messages below are held by the test, as a fan-out would hold them.
  server = await startTestServer({ ...WEBHOOK_TEST_ENV, SCHEDULER_ENABLED: "false" });
  orm = await openOrm(server.databaseUrl, { logger: () => undefined });
});
afterAll(async () => {
  await orm?.close(true);
  await server?.stop();
});

it("sends a held message with its endpoint as it is now: paused ones wait, disabled ones are cancelled, deleted ones dropped", async () => {
  const team = await keyTeam(server, "Held Motors");
  const ids: Record<string, string> = {};
  for (const name of ["kept", "moved", "paused", "disabled", "deleted"]) {
    const { endpoint, userErrors } = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: `http://127.0.0.1:9/${name}`,
      description: name,
    });
    expect(userErrors).toEqual([]);
    ids[name] = String(endpoint?.id);
  }
  await team.createKey({ name: "Held" });
  const [event] = await sql<{ id: string; type: string; organization_id: string; occurred_at: Date; payload: Record<string, unknown> }>(
    server.databaseUrl,
    "select id, type, organization_id, occurred_at, payload from domain_events where type = 'key.created' order by id desc limit 1",
  );
  // What the fan-out read of each endpoint, before anything below changed it.
  const endpoints = await sql<{ id: string; description: string; url: string; sealed_secret: string }>(
    server.databaseUrl,
    "select id, description, url, sealed_secret from webhook_endpoints",
  );
  const held: OutgoingMessage[] = endpoints.map((endpoint) => ({
    id: messageIdOf(event.id, endpoint.id, event.occurred_at),
    attempt_count: 0,
    endpoint_id: endpoint.id,
    event_id: event.id,
    organization_id: event.organization_id,
    url: endpoint.url,
    sealed_secret: endpoint.sealed_secret,
    previous_sealed_secret: null,
    previous_secret_expires_at: null,
    failing_since: null,
    type: event.type,
    occurred_at: event.occurred_at,
    payload: event.payload,
  }));
  await sql(server.databaseUrl, "update webhook_endpoints set url = 'http://127.0.0.1:9/moved-on' where description = 'moved'");
  await sql(server.databaseUrl, "update webhook_endpoints set status = 'PAUSED' where description = 'paused'");
  await sql(server.databaseUrl, "update webhook_endpoints set status = 'DISABLED' where description = 'disabled'");
  await sql(server.databaseUrl, "delete from webhook_endpoints where description = 'deleted'");

  const toSend = await heldToSend(orm.em.fork(), held);
  expect(toSend.map((message) => message.url).sort()).toEqual(["http://127.0.0.1:9/kept", "http://127.0.0.1:9/moved-on"]);
  const recorded = await sql<{ description: string; status: string; due: boolean }>(
    server.databaseUrl,
    `select e.description, m.status, m.next_attempt_at is not null as due from webhook_messages m
     join webhook_endpoints e on e.id = m.endpoint_id where m.event_id = $1 order by e.description`,
    [event.id],
  );
  expect(recorded).toEqual([
    { description: "disabled", status: "CANCELLED", due: false },
    { description: "paused", status: "PENDING", due: true },
  ]);
});
