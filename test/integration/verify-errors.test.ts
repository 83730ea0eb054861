import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { sql } from "../support/sql";

const logLines: string[] = [];
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: "error" }, undefined, { logDestination: { write: (line) => logLines.push(line) } });
});
afterAll(() => server?.stop());

describe("POST /v1/keys/verify when the database answers with an error", () => {
  it("answers 500 with a request ID that names the logged error, and neither holds the key", async () => {
    const team = await keyTeam(server, "Broken Schema Dealer");
    const { secret } = await team.createKey({ name: "Never verified" });
    // A key never verified is not cached, so verifying it asks PostgreSQL, which no longer knows the table.
    await sql(server.databaseUrl, "alter table api_keys rename to api_keys_elsewhere");
    try {
      const response = await fetch(`${server.url}/v1/keys/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key: secret }),
      });
      const body = (await response.json()) as { error: string; requestId: string };
      expect(response.status).toBe(500);
      expect(body).toEqual({ error: "internal_error", requestId: response.headers.get("x-request-id") });
      const logged = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.requestId === body.requestId);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({
        msg: "unexpected key verification error",
        err: { message: expect.stringContaining("SQLSTATE 42P01") },
      });
      expect(logLines.join("")).not.toContain(secret);
    } finally {
      await sql(server.databaseUrl, "alter table api_keys_elsewhere rename to api_keys");
    }
  });
});
