import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { CONTACT, CREATE_KEY } from "../support/keys";
import { alternate, compare, type LoadResult } from "./load";
import { type Spawned, spawnLatchkey, spawnListening } from "./processes";
import { report } from "./report";

/**
 * The key service's speed, as ratios against baselines measured in the same run on this machine:
 * - POST /v1/keys/verify against bare Node `http` servers answering from an in-memory map, one by the
 *   key itself and one by its HMAC-SHA256 under a pepper, as verify must (the hashing ceiling);
 * - a GraphQL query authenticated by key against the same query authenticated by session.
 * Latchkey runs as its own process (`start`), as does the baseline; autocannon loads them from here.
 */
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

let latchkey: Spawned;
let drop: () => Promise<void>;
let session: string;
let secret: string;
let organizationId: string;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  latchkey = await spawnLatchkey(database.url, "keys");
  const server = { graphqlUrl: `${latchkey.url}/graphql` };
  const owner = await signUp(server, "Bench Owner");
  session = owner.token;
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
  it("POST /v1/keys/verify keeps at least 95% of a bare Node server doing the same hashing in every round, p99 within 1 ms of it", async () => {
    const body = JSON.stringify({ key: secret });
    const answer = await (
      await fetch(`${latchkey.url}/v1/keys/verify`, { method: "POST", headers: { "content-type": "application/json" }, body })
    ).text();
    expect(JSON.parse(answer).valid).toBe(true);
    const startBaseline = (mode: string[]) =>
      spawnListening(
        path.resolve(__dirname, "baseline-server.mjs"),
        mode,
        { ...process.env, BASELINE_KEY: secret, BASELINE_ANSWER: answer },
        /listening (\d+)/,
        (match) => `http://127.0.0.1:${match[1]}`,
      );
    const bare = await startBaseline([]);
    const hashing = await startBaseline(["hmac"]);
    try {
      const verifyAt = (server: Spawned, rate?: number) => ({
        url: `${server.url}/v1/keys/verify`,
        body,
        connections: CONNECTIONS,
        seconds: SECONDS,
        rate,
        pid: server.child.pid,
      });
      const result = await alternate({
        subjects: { bare: verifyAt(bare), hashing: verifyAt(hashing), latchkey: verifyAt(latchkey) },
        rounds: ROUNDS,
      });
      const figures = (load: LoadResult) => ({
        requestsPerSecond: Math.round(load.requestsPerSecond),
        p50: load.p50,
        p99: load.p99,
        cpuMicrosecondsPerRequest: load.cpuMicrosecondsPerRequest,
      });
      const ratio = (candidate: LoadResult, baseline: LoadResult) =>
        Number((candidate.requestsPerSecond / baseline.requestsPerSecond).toFixed(3));
      const rounds = result.rounds.map((round) => ({
        bare: figures(round.bare),
        hashing: figures(round.hashing),
        latchkey: figures(round.latchkey),
        ratioToBare: ratio(round.latchkey, round.bare),
        ratioToHashing: ratio(round.latchkey, round.hashing),
      }));
      const { medians } = result;
      await report("verify-vs-bare-node", {
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds,
        bare: medians.bare,
        hashing: medians.hashing,
        latchkey: medians.latchkey,
        ratioToBare: ratio(medians.latchkey, medians.bare),
        ratioToHashing: ratio(medians.latchkey, medians.hashing),
        hashingToBare: ratio(medians.hashing, medians.bare),
      });
      // A sustained load short of saturation as well: half of what the hashing server can take.
      const rate = Math.round(medians.hashing.requestsPerSecond / 2);
      const sustained = await compare({ baseline: verifyAt(hashing, rate), candidate: verifyAt(latchkey, rate), rounds: ROUNDS });
      await report("verify-latency-at-half-load", {
        connections: CONNECTIONS,
        offeredRequestsPerSecond: rate,
        hashing: sustained.baseline,
        latchkey: sustained.candidate,
      });
      for (const round of result.rounds) expect(round.latchkey.errors + round.latchkey.non2xx).toBe(0);
      for (const round of rounds) {
        expect(round.ratioToHashing).toBeGreaterThanOrEqual(0.95);
        expect(round.latchkey.p99).toBeLessThanOrEqual(round.hashing.p99 + 1);
      }
      expect(ratio(medians.latchkey, medians.bare)).toBeGreaterThanOrEqual(0.7);
      expect(sustained.candidate.p99).toBeLessThan(5);
      expect(medians.latchkey.p99).toBeLessThan(5);
    } finally {
      await Promise.all([bare.stop(), hashing.stop()]);
    }
  });

  it("a GraphQL query authenticated by key keeps at least 85% of the throughput of the same query by session", async () => {
    const body = JSON.stringify({
      query: `query Org($id: ID!) { organization(id: $id) { name locations { totalCount } } }`,
      variables: { id: organizationId },
    });
    const url = `${latchkey.url}/graphql`;
    const result = await compare({
      baseline: { url, body, headers: { authorization: `Bearer ${session}` }, connections: CONNECTIONS, seconds: SECONDS },
      candidate: { url, body, headers: { authorization: `Bearer ${secret}` }, connections: CONNECTIONS, seconds: SECONDS },
      rounds: ROUNDS,
    });
    await report("graphql-key-vs-session", {
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: result.rounds,
      session: result.baseline,
      key: result.candidate,
      ratio: Number(result.ratio.toFixed(3)),
    });
    expect(result.baseline.errors + result.baseline.non2xx + result.candidate.errors + result.candidate.non2xx).toBe(0);
    expect(result.ratio).toBeGreaterThanOrEqual(0.85);
  });
});
