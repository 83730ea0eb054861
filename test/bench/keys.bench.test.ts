import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { CONTACT, CREATE_KEY } from "../support/keys";
import { compare, compareAll, type RoundFigures, SLICE_SECONDS } from "./load";
import { cpuPlan, pinThisProcess, type Spawned, type SpawnedLatchkey, spawnLatchkey, spawnListening } from "./processes";
import { report } from "./report";

/**
 * The key service's speed, as ratios against baselines measured in the same run on this machine:
 * POST /v1/keys/verify on the verify listener (VERIFY_PORT, a thread of its own) and on the main
 * port, against bare Node `http` servers answering from an in-memory map, one by the key itself and
 * one by its HMAC-SHA256 under a pepper, as verify must (the hashing ceiling), and the hashing server
 * again in a process as large as Latchkey's (reported, to tell the size of the process from the cost
 * of verify's own code). GraphQL reads by key, session and token are in graphql.bench.test.ts.
 * Latchkey runs as its own process (`start`), as does the baseline; autocannon loads them from here.
 * Each round measures every contender for SECONDS, in half-second slices taken in turn (load.ts;
 * whole seconds for the half-load comparison, whose offered rate autocannon budgets per second).
 * Where the machine allows (processes.ts's `cpuPlan`), every server runs on one CPU and autocannon
 * on the others. A second hashing server, identical to the first, is measured as well: how far two
 * identical servers differ in a round is the floor under any ratio of this bench.
 */
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const cpus = cpuPlan();

let latchkey: SpawnedLatchkey;
let drop: () => Promise<void>;
let unpin = () => {};
let secret: string;
let organizationId: string;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  if (cpus) unpin = pinThisProcess(cpus.load);
  // With a verify listener (VERIFY_PORT): verify is served on both ports, and both are measured.
  latchkey = await spawnLatchkey(database.url, "keys", { VERIFY_PORT: "0" }, { cpus: cpus?.servers });
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
  try {
    await latchkey?.stop();
    await drop?.();
  } finally {
    unpin();
  }
});

describe("key service benchmarks", () => {
  it("POST /v1/keys/verify on the verify listener keeps at least 95% of a bare Node server doing the same hashing in every round, p99 within 1 ms of it", async () => {
    const body = JSON.stringify({ key: secret });
    const verifyListenerUrl = latchkey.verifyUrl;
    if (!verifyListenerUrl) throw new Error("Latchkey did not say where its verify listener listens.");
    const answerAt = async (url: string) =>
      (await fetch(`${url}/v1/keys/verify`, { method: "POST", headers: { "content-type": "application/json" }, body })).text();
    const answer = await answerAt(latchkey.url);
    expect(JSON.parse(answer).valid).toBe(true);
    // Both ports give the same answer, byte for byte.
    expect(await answerAt(verifyListenerUrl)).toBe(answer);
    const startBaseline = (mode: string[]) =>
      spawnListening(
        path.resolve(__dirname, "baseline-server.mjs"),
        mode,
        { ...process.env, BASELINE_KEY: secret, BASELINE_ANSWER: answer },
        /listening (\d+)/,
        (match) => `http://127.0.0.1:${match[1]}`,
        { cpus: cpus?.servers },
      );
    const bare = await startBaseline([]);
    const hashing = await startBaseline(["hmac"]);
    const hashingTwin = await startBaseline(["hmac"]);
    const sizedHashing = await startBaseline(["hmac", "latchkey-sized"]);
    try {
      const verifyAt = (server: Spawned, rate?: number, url = server.url) => ({
        url: `${url}/v1/keys/verify`,
        body,
        connections: CONNECTIONS,
        seconds: SECONDS,
        rate,
        serverPid: server.child.pid,
      });
      const result = await compareAll({
        contenders: {
          // The two the target compares first, side by side: in each turn of slices they are measured
          // one right after the other (load.ts).
          hashing: verifyAt(hashing),
          // The verify listener: the same handler in a thread of its own (verify-listener.ts).
          latchkey: verifyAt(latchkey, undefined, verifyListenerUrl),
          // The same hashing server in a second process: the noise floor of a round's ratio.
          hashingTwin: verifyAt(hashingTwin),
          bare: verifyAt(bare),
          sizedHashing: verifyAt(sizedHashing),
          // The main port, served by the main thread beside GraphQL and everything else.
          mainPort: verifyAt(latchkey),
        },
        rounds: ROUNDS,
        sliceSeconds: SLICE_SECONDS,
      });
      const ratio = (candidate: RoundFigures, baseline: RoundFigures) =>
        Number((candidate.requestsPerSecond / baseline.requestsPerSecond).toFixed(3));
      const rounds = result.rounds.map((round) => ({
        ...round,
        ratioToBare: ratio(round.latchkey, round.bare),
        ratioToHashing: ratio(round.latchkey, round.hashing),
        twinToHashing: ratio(round.hashingTwin, round.hashing),
        mainPortToHashing: ratio(round.mainPort, round.hashing),
        mainPortToSizedHashing: ratio(round.mainPort, round.sizedHashing),
        sizedToHashing: ratio(round.sizedHashing, round.hashing),
      }));
      const { medians } = result;
      await report("verify-vs-bare-node", {
        connections: CONNECTIONS,
        cpus: cpus ?? "not pinned",
        seconds: SECONDS,
        sliceSeconds: SLICE_SECONDS,
        rounds,
        bare: medians.bare,
        hashing: medians.hashing,
        sizedHashing: medians.sizedHashing,
        latchkey: medians.latchkey,
        mainPort: medians.mainPort,
        ratioToBare: ratio(medians.latchkey, medians.bare),
        ratioToHashing: ratio(medians.latchkey, medians.hashing),
        twinToHashing: ratio(medians.hashingTwin, medians.hashing),
        mainPortToHashing: ratio(medians.mainPort, medians.hashing),
        // The hashing server in a process holding Latchkey's modules and schema (baseline-server.mjs).
        mainPortToSizedHashing: ratio(medians.mainPort, medians.sizedHashing),
        sizedToHashing: ratio(medians.sizedHashing, medians.hashing),
        hashingToBare: ratio(medians.hashing, medians.bare),
      });
      // A sustained load short of saturation as well: half of what the hashing server can take.
      const rate = Math.round(medians.hashing.requestsPerSecond / 2);
      const sustained = await compare({
        baseline: verifyAt(hashing, rate),
        candidate: verifyAt(latchkey, rate, verifyListenerUrl),
        rounds: ROUNDS,
        sliceSeconds: SLICE_SECONDS,
      });
      await report("verify-latency-at-half-load", {
        connections: CONNECTIONS,
        offeredRequestsPerSecond: rate,
        hashing: sustained.baseline,
        latchkey: sustained.candidate,
      });
      expect(result.failures.latchkey).toBe(0);
      expect(result.failures.mainPort).toBe(0);
      for (const round of rounds) {
        expect(round.ratioToHashing).toBeGreaterThanOrEqual(0.95);
        expect(round.latchkey.p99).toBeLessThanOrEqual(round.hashing.p99 + 1);
      }
      expect(ratio(medians.latchkey, medians.bare)).toBeGreaterThanOrEqual(0.7);
      expect(sustained.candidate.p99).toBeLessThan(5);
      expect(medians.latchkey.p99).toBeLessThan(5);
    } finally {
      await Promise.all([bare.stop(), hashing.stop(), hashingTwin.stop(), sizedHashing.stop()]);
    }
  });
});
