import { randomBytes } from "node:crypto";
import { quickAddJob } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../../test/support/eventually";
import { graphqlData } from "../../../test/support/graphql-client";
import { databaseId } from "../../../test/support/ids";
import { keyTeam } from "../../../test/support/keys";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { sql } from "../../../test/support/sql";
import { KEY_DEADLINES_TASK } from "./task-names";
import { JOB_CONCURRENCY } from "./worker";

let server: TestServer;
/** Warnings and errors logged while the server (and its worker) started. */
let startWarnings: string[] = [];
beforeAll(async () => {
  const logged: string[] = [];
  // Key material given, as a configured deployment has it: generating it warns, rightly.
  const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };
  server = await startTestServer({ SCHEDULER_ENABLED: "true", LOG_LEVEL: "warn", ...keyMaterial }, undefined, {
    logDestination: { write: (line: string) => void logged.push(line) },
  });
  startWarnings = [...logged];
});
afterAll(() => server?.stop());

describe("the job worker on the PostgreSQL job queue", () => {
  it("starts without a warning (its connection pool is sized for its concurrency)", () => {
    expect(startWarnings).toEqual([]);
  });

  it("registers the sweep as a cron task and runs it from the queue", async () => {
    const crontabs = await sql(
      server.databaseUrl,
      "select table_schema, table_name from information_schema.tables where table_schema = 'graphile_worker' and table_name like '%known_crontabs%'",
    );
    expect(crontabs).toHaveLength(1);
    const [{ table_name }] = crontabs;
    const known = await sql(server.databaseUrl, `select identifier from graphile_worker."${table_name}"`);
    expect(known.map((row) => row.identifier)).toContain("key_deadlines");

    const team = await keyTeam(server);
    const { key } = await team.createKey({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await sql(server.databaseUrl, "update api_keys set expires_at = now() - interval '1 second' where masked_secret = $1", [
      key.maskedSecret,
    ]);
    await quickAddJob({ connectionString: server.databaseUrl }, KEY_DEADLINES_TASK, {});
    // The job's work is done once its event is committed.
    await eventually(async () => {
      const events = await sql(server.databaseUrl, "select type from domain_events where type = 'key.expired' and payload->>'keyId' = $1", [
        databaseId(key.id),
      ]);
      expect(events).toEqual([{ type: "key.expired" }]);
    });
    const { node } = await graphqlData(
      server,
      `query($id: ID!) { node(id: $id) { ... on ApiKey { state } } }`,
      { id: key.id },
      team.owner.token,
    );
    expect(node.state).toBe("EXPIRED");
  });

  it("says each of its workers is alive (test/integration/worker-beats.test.ts: under the IDs that lock its jobs)", async () => {
    const beats = await sql<{ worker_id: string; age_ms: number; vouched: boolean }>(
      server.databaseUrl,
      "select worker_id, (extract(epoch from now() - beat_at) * 1000)::float8 as age_ms, alive_until > now() as vouched from job_worker_beats",
    );
    expect(beats).toHaveLength(JOB_CONCURRENCY);
    for (const { age_ms, vouched } of beats) {
      expect(age_ms).toBeLessThan(60_000);
      expect(vouched).toBe(true);
    }
  });
});
