import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { CONTACT, CREATE_KEY } from "../support/keys";
import { compare } from "./load";
import { type Spawned, spawnLatchkey, spawnListening } from "./processes";
import { report } from "./report";

/**
 * The key service's speed, as ratios against baselines measured in the same run on this machine:
 * POST /v1/keys/verify against a bare Node `http` server answering from an in-memory map. GraphQL
 * reads by key, session and token are in graphql.bench.test.ts.
 * Latchkey runs as its own process (`start`), as does the baseline; autocannon loads them from here.
 */
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

let latchkey: Spawned;
let drop: () => Promise<void>;
let secret: string;
let organizationId: string;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  latchkey = await spawnLatchkey(database.url, "keys");
  const server = { graphqlUrl: `${latchkey.url}/graphql` };
  const owner = await signUp(server, "Bench Owner");
  const organization = await createOrganization(server, owner.token, "Bench Org");
  organizationId = organization.id;
  await graphqlData(
    server,
    `mutation($input: AcceptApiAgreementInput!) { acceptApiAgreement(input: $input) { userErrors { code } } }`,
    { input: { organizationId } },
    owner.token,
  );
  const { createKey } = await graphqlData(
    server,
    CREATE_KEY,
    { input: { organizationId, name: "Bench key", kind: "SECRET", contact: CONTACT } },
    owner.token,
  );
  secret = createKey.secret;
});

afterAll(async () => {
  await latchkey?.stop();
  await drop?.();
});

describe("key service benchmarks", () => {
  it("POST /v1/keys/verify keeps at least 70% of a bare Node server's throughput, p99 under 5 ms at 32 connections", async () => {
    const body = JSON.stringify({ key: secret });
    const answer = await (
      await fetch(`${latchkey.url}/v1/keys/verify`, { method: "POST", headers: { "content-type": "application/json" }, body })
    ).text();
    expect(JSON.parse(answer).valid).toBe(true);
    const baseline = await spawnListening(
      path.resolve(__dirname, "baseline-server.mjs"),
      [],
      { ...process.env, BASELINE_KEY: secret, BASELINE_ANSWER: answer },
      /listening (\d+)/,
      (match) => `http://127.0.0.1:${match[1]}`,
    );
    try {
      const result = await compare({
        baseline: { url: `${baseline.url}/v1/keys/verify`, body, connections: CONNECTIONS, seconds: SECONDS },
        candidate: { url: `${latchkey.url}/v1/keys/verify`, body, connections: CONNECTIONS, seconds: SECONDS },
        rounds: ROUNDS,
      });
      await report("verify-vs-bare-node", {
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds: result.rounds,
        baseline: result.baseline,
        latchkey: result.candidate,
        ratio: Number(result.ratio.toFixed(3)),
      });
      // A sustained load short of saturation as well: half of what the bare server can take.
      const rate = Math.round(result.baseline.requestsPerSecond / 2);
      const sustained = await compare({
        baseline: { url: `${baseline.url}/v1/keys/verify`, body, connections: CONNECTIONS, seconds: SECONDS, rate },
        candidate: { url: `${latchkey.url}/v1/keys/verify`, body, connections: CONNECTIONS, seconds: SECONDS, rate },
        rounds: ROUNDS,
      });
      await report("verify-latency-at-half-load", {
        connections: CONNECTIONS,
        offeredRequestsPerSecond: rate,
        baseline: sustained.baseline,
        latchkey: sustained.candidate,
      });
      expect(result.candidate.errors + result.candidate.non2xx).toBe(0);
      expect(result.ratio).toBeGreaterThanOrEqual(0.7);
      expect(sustained.candidate.p99).toBeLessThan(5);
      expect(result.candidate.p99).toBeLessThan(5);
    } finally {
      await baseline.stop();
    }
  });
});
