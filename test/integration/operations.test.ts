import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/src/config";
import { graphql, signUp } from "../support/graphql-client";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ GRAPHQL_MAX_COST: "5000" });
});
afterAll(() => server?.stop());

describe("running Latchkey", () => {
  it("answers /healthz and /readyz", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("counts and times GraphQL operations by name in Prometheus metrics", async () => {
    const person = await signUp(server, "Metric Person");
    await graphql(server, `query WhoAmI { viewer { email } }`, {}, person.token);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/latchkey_graphql_operations_total\{operation="WhoAmI",type="query",outcome="success"\} 1/);
    expect(text).toMatch(/latchkey_graphql_operation_duration_seconds_count\{operation="WhoAmI",type="query"\} 1/);
    expect(text).toMatch(/latchkey_db_statements_total \d+/);
  });

  it("tags every response with a request ID, keeping a well-formed one the client sent", async () => {
    const given = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "trace-123" } });
    expect(given.headers.get("x-request-id")).toBe("trace-123");
    const generated = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses over-costly and over-deep operations before running them", async () => {
    const person = await signUp(server, "Greedy Client");
    const costly = await graphql(
      server,
      `{ viewer { memberships { organization { members(first: 100) { nodes { user { memberships { organization { locations(first: 100) { nodes { name } } } } } } } } } } }`,
      {},
      person.token,
    );
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0]).toMatchObject({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    expect(costly.errors?.[0].message).toContain("asks for too much at once");
  });

  it("offers introspection outside production", async () => {
    const { data } = await graphql(server, `{ __type(name: "Organization") { fields { name } } }`);
    expect(data?.__type.fields.map((field: { name: string }) => field.name)).toContain("locations");
  });
});

describe("configuration", () => {
  it("lists every invalid variable at once", () => {
    const refusal = (() => {
      try {
        loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud" }, { dotenv: false });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    const message = (refusal as Error).message;
    expect(message).toContain("PORT: Expected number");
    expect(message).toContain("DATABASE_URL: must be a postgres:// or postgresql:// URL");
    expect(message).toContain("LOG_LEVEL: Invalid enum value");
  });

  it("defaults to port 4000 and ./.latchkey", () => {
    const config = loadConfig({}, { dotenv: false });
    expect(config.port).toBe(4000);
    expect(config.dataDir).toBe(`${process.cwd()}/.latchkey`);
    expect(config.databaseUrl).toBeUndefined();
  });
});
