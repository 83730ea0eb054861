import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/src/config";
import { createOrganization, graphql, graphqlData, signUp } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { metricValue } from "../support/metrics";
import { startTestServer, type TestServer } from "../support/server";

// The default limits (depth 12, cost 20,000): the ones the README documents.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** Posts a raw GraphQL-over-HTTP body and returns the status and parsed answer. */
async function postGraphql(body: unknown, token?: string) {
  const response = await fetch(server.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    ...((await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> }),
  };
}

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
    expect(costly.errors?.[0]).toMatchObject({ extensions: { code: "QUERY_TOO_COMPLEX" } });
    expect(costly.errors?.[0].message).toMatch(/^Query cost \d+ exceeds the maximum of 20000/);
    const deep = await graphql(
      server,
      `{ viewer { memberships { organization { members(first: 1) { nodes { user { memberships { organization { members(first: 1) { nodes { user { memberships { id } } } } } } } } } } } } }`,
      {},
      person.token,
    );
    expect(deep.status).toBe(400);
    expect(deep.errors).toEqual([
      { message: "The operation is nested too deeply: the maximum is 12 levels.", extensions: { code: "QUERY_TOO_DEEP" } },
    ]);
  });

  it("refuses the nested memberships query of a member of 20 organisations before running it, and stays up", async () => {
    const member = await signUp(server, "Many Orgs");
    for (let index = 0; index < 20; index++) await createOrganization(server, member.token, `Dealer ${index}`);
    const statementsBefore = await metricValue(server, "latchkey_db_statements_total");
    const heap = await graphql(
      server,
      `{ viewer { memberships { user { memberships { user { memberships { user { memberships { user { memberships { user { id } } } } } } } } } } } }`,
      {},
      member.token,
    );
    expect(heap.status).toBe(400);
    expect(heap.errors).toEqual([
      { message: expect.stringMatching(/^Query cost \d+ exceeds the maximum of 20000/), extensions: { code: "QUERY_TOO_COMPLEX" } },
    ]);
    expect(heap.data).toBeUndefined();
    // Refused before anything ran: authentication is the only work done (one session lookup).
    expect(await metricValue(server, "latchkey_db_statements_total")).toBeLessThanOrEqual(statementsBefore + 2);
    // The extension's own start-up query still runs for them.
    const viewer = await graphqlData(
      server,
      `query Viewer { viewer { id email name memberships { organization { id name viewerPermissions settings { revealPolicy }
         viewerApiAgreement { accepted currentVersion } locations(first: 100) { nodes { id name } } } } } }`,
      {},
      member.token,
    );
    expect(viewer.viewer.memberships).toHaveLength(20);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("never returns more than a plain list's documented maximum: 100 memberships, 50 keys per key holder", async () => {
    const joiner = await signUp(server, "Serial Joiner");
    for (let batch = 0; batch < 101; batch += 10) {
      const names = Array.from({ length: Math.min(10, 101 - batch) }, (_, index) => `Dealer ${batch + index}`);
      await Promise.all(names.map((name) => createOrganization(server, joiner.token, name)));
    }
    const { viewer } = await graphqlData(server, `{ viewer { memberships { organization { name } } } }`, {}, joiner.token);
    expect(viewer.memberships).toHaveLength(100);

    const team = await keyTeam(server, "Key Hoarder");
    for (let index = 0; index < 51; index++) await team.createKey({ name: `Key ${index}` });
    const { organization } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { keyHolders { keys { name } } } }`,
      { id: team.organization.id },
      team.owner.token,
    );
    expect(organization.keyHolders[0].keys).toHaveLength(50);
    expect(organization.keyHolders[0].keys[0]).toEqual({ name: "Key 0" });
  });

  it("lists at most 50 key holders, those holding keys longest first", async () => {
    const team = await keyTeam(server, "Crowded Dealer");
    await team.createKey({ name: "Owner's key" });
    for (let index = 0; index < 50; index++) {
      const member = await team.addMember(`Holder ${index}`, "Developer");
      await team.createKey({ name: `Key of ${index}`, mappedUserId: member.userId });
    }
    const { organization } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { keyHolders { user { email } keys { name } } } }`,
      { id: team.organization.id },
      team.owner.token,
    );
    expect(organization.keyHolders).toHaveLength(50);
    expect(organization.keyHolders[0]).toEqual({ user: { email: team.owner.email }, keys: [{ name: "Owner's key" }] });
    expect(organization.keyHolders.at(-1).keys).toEqual([{ name: "Key of 48" }]);
  });

  it("bounds aliases: 1,000 or 100 aliased audit logs are refused without running a single one", async () => {
    const owner = await signUp(server, "Alias Owner");
    const organization = await createOrganization(server, owner.token);
    const aliasedAuditLogs = (count: number) =>
      `query($id: ID!) { organization(id: $id) { ${Array.from({ length: count }, (_, index) => `a${index}: auditLog(first: 1) { totalCount }`).join(" ")} } }`;
    const statementsBefore = await metricValue(server, "latchkey_db_statements_total");
    const thousand = await graphql(server, aliasedAuditLogs(1000), { id: organization.id }, owner.token);
    expect(thousand.status).toBe(400);
    expect(thousand.errors?.[0]).toEqual({
      message: "The operation is longer than the maximum of 5000 tokens.",
      extensions: { code: "QUERY_TOO_COMPLEX" },
    });
    const hundred = await graphql(server, aliasedAuditLogs(100), { id: organization.id }, owner.token);
    expect(hundred.status).toBe(400);
    expect(hundred.errors?.[0]).toEqual({ message: "The operation uses more than 50 aliases.", extensions: { code: "QUERY_TOO_COMPLEX" } });
    // Authentication (a session lookup per request) is the only work done.
    expect(await metricValue(server, "latchkey_db_statements_total")).toBeLessThanOrEqual(statementsBefore + 4);
  });

  it("answers operations nested past any stack with a clean 400, never a 500 or a stack overflow message", async () => {
    const person = await signUp(server, "Deep Nester");
    const fragmentChain = (length: number) =>
      `{ viewer { ...F0 } } ${Array.from({ length }, (_, index) => `fragment F${index} on User { memberships { user { ...F${index + 1} } } }`).join(" ")} fragment F${length} on User { id }`;
    const deepList = (depth: number) => `{ nodes(ids: ${"[".repeat(depth)}"x"${"]".repeat(depth)}) { id } }`;
    for (const query of [
      fragmentChain(2000),
      fragmentChain(300),
      deepList(2450),
      deepList(20_000),
      `{ viewer ${"{ id ".repeat(3000)}${"}".repeat(3000)} }`,
    ]) {
      const answer = await postGraphql({ query }, person.token);
      expect(answer.status, query.slice(0, 80)).toBe(400);
      expect(answer.errors?.[0].message).not.toContain("Maximum call stack");
      expect(answer.errors?.[0].extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
    }
    const tooLong = await postGraphql({ query: `{ viewer { ${"id ".repeat(6000)} } }` }, person.token);
    expect(tooLong).toMatchObject({ status: 400, errors: [{ message: "The operation is longer than the maximum of 5000 tokens." }] });
    expect((await graphql(server, `{ viewer { id } }`, {}, person.token)).status).toBe(200);
  });

  it("refuses a subscription sent over HTTP with a 400 that points to WebSocket", async () => {
    const person = await signUp(server, "Http Subscriber");
    const answer = await postGraphql(
      { query: `subscription { keyEvents(organizationId: "T3JnYW5pemF0aW9uOng") { keyId } }` },
      person.token,
    );
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      {
        message: "Subscriptions are served over WebSocket (the graphql-ws protocol) on this path, not over HTTP.",
        extensions: { code: "BAD_REQUEST" },
      },
    ]);
  });

  it("refuses an automatic persisted query whose hash does not match its query with a 400", async () => {
    const answer = await postGraphql({
      query: "{ __typename }",
      extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } },
    });
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([{ message: "provided sha does not match query", extensions: { code: "BAD_REQUEST" } }]);
  });

  it("offers introspection outside production", async () => {
    const { data } = await graphql(server, `{ __type(name: "Organization") { fields { name } } }`);
    expect(data?.__type.fields.map((field: { name: string }) => field.name)).toContain("locations");
  });
});

describe("in production", () => {
  let production: TestServer;
  beforeAll(async () => {
    // PUBLIC_URL: production may insist on a public URL; this one names only this machine.
    production = await startTestServer({ NODE_ENV: "production", PUBLIC_URL: "http://127.0.0.1:4000" });
  });
  afterAll(() => production?.stop());

  it("refuses unknown fields without suggesting the schema's names", async () => {
    const answer = await graphql(production, `{ viewr { id } }`);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0].message).toBe('Cannot query field "viewr" on type "Query".');
    expect(JSON.stringify(answer.errors)).not.toContain("Did you mean");
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
