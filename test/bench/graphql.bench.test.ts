import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { acceptAgreement, CONTACT, CREATE_KEY } from "../support/keys";
import { compareAll, type LoadOptions, type LoadResult, SLICE_SECONDS } from "./load";
import { type Spawned, spawnLatchkey, spawnListening } from "./processes";
import { report } from "./report";

/**
 * A frontend's typical GraphQL read (one object, one nested count), by each way a caller
 * authenticates, against two references measured in the same run on this machine:
 * - `{ __typename }` on the same Latchkey process: the stack's own overhead, no SQL, no caller;
 * - a plain Node handler answering the same JSON with one hand-written SQL statement over the same
 *   database (sql-ceiling-server.mjs): what a query compiler reduces the read to.
 * Each round measures every contender for SECONDS, in half-second slices taken in turn (load.ts), as
 * the keys and federated benches do: this machine's speed doubles or halves from one round to the
 * next, and a whole round per contender turned those swings into differences between contenders.
 * Each round also reports the server's CPU time per request, which noise on a shared machine moves
 * far less than throughput: it shows where a change to the request path helps.
 */
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LOCATIONS = 3;

/** Targets (issue 15), as ratios of median throughput in the same run. */
const TARGETS = {
  /** Each read against `{ __typename }` on the same server. */
  ofTypename: 0.35,
  /** Each read against the one-statement ceiling. */
  ofCeiling: 0.4,
  /** The slowest way of authenticating against the fastest. */
  slowestOfFastest: 0.9,
  /** Milliseconds, each read, at 32 connections. */
  p99: 50,
};

const ORGANIZATION_READ = `query Org($id: ID!) { organization(id: $id) { name locations { totalCount } } }`;

let latchkey: Spawned;
let ceiling: Spawned;
let drop: () => Promise<void>;
let session: string;
let secret: string;
let mintAccessToken: () => Promise<string>;
let organizationId: string;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  latchkey = await spawnLatchkey(database.url, "graphql");
  const server = { graphqlUrl: `${latchkey.url}/graphql` };
  const owner = await signUp(server, "Bench Owner");
  session = owner.token;
  const organization = await createOrganization(server, owner.token, "Bench Org");
  organizationId = organization.id;
  await acceptAgreement(server, owner.token, organizationId);
  for (let index = 1; index <= LOCATIONS; index++) {
    await graphqlData(
      server,
      `mutation($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`,
      { input: { organizationId, name: `Branch ${index}` } },
      owner.token,
    );
  }
  const createKey = async (kind: string) => {
    const created = await graphqlData(
      server,
      CREATE_KEY,
      { input: { organizationId, name: `Bench ${kind}`, kind, contact: CONTACT } },
      owner.token,
    );
    return created.createKey as { secret: string; key: { publicId: string } };
  };
  secret = (await createKey("SECRET")).secret;
  const client = await createKey("OAUTH_CLIENT");
  mintAccessToken = async () => {
    const response = await fetch(`${latchkey.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: client.key.publicId,
        client_secret: client.secret,
        scope: "org:read",
      }),
    });
    if (!response.ok) throw new Error(`/oauth/token answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  ceiling = await spawnListening(
    path.resolve(__dirname, "sql-ceiling-server.mjs"),
    [],
    { ...process.env, CEILING_DATABASE_URL: database.url, CEILING_BEARERS: JSON.stringify([session, secret]) },
    /listening (\d+)/,
    (match) => `http://127.0.0.1:${match[1]}`,
  );
});

afterAll(async () => {
  await ceiling?.stop();
  await latchkey?.stop();
  await drop?.();
});

/** Posts one request as autocannon will, and returns the parsed answer. */
async function answerTo(options: LoadOptions): Promise<unknown> {
  const response = await fetch(options.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    body: options.body,
  });
  expect(response.status).toBe(200);
  return response.json();
}

const rate = (result: LoadResult) => result.requestsPerSecond;
const ratio = (candidate: LoadResult, baseline: LoadResult) => Number((rate(candidate) / rate(baseline)).toFixed(3));

describe("GraphQL read benchmarks", () => {
  it("reads one organisation with a nested count by session, key and OAuth token alike, near the stack's overhead and the one-statement ceiling", async () => {
    const body = JSON.stringify({ query: ORGANIZATION_READ, variables: { id: organizationId } });
    const graphqlUrl = `${latchkey.url}/graphql`;
    const read = (bearer: string): LoadOptions => ({
      url: graphqlUrl,
      body,
      headers: { authorization: `Bearer ${bearer}` },
      connections: CONNECTIONS,
      seconds: SECONDS,
      serverPid: latchkey.child.pid,
    });
    const typename: LoadOptions = {
      url: graphqlUrl,
      body: JSON.stringify({ query: "{ __typename }" }),
      connections: CONNECTIONS,
      seconds: SECONDS,
      serverPid: latchkey.child.pid,
    };
    // An access token lives ten minutes, less than a full run: each round mints its own.
    const byToken = async () => read(await mintAccessToken());
    const ceilingRead: LoadOptions = { ...read(secret), url: `${ceiling.url}/graphql`, serverPid: ceiling.child.pid };

    // Every contender gives the same answer before any is loaded: a fast error is no result.
    const expected = { data: { organization: { name: "Bench Org", locations: { totalCount: LOCATIONS } } } };
    for (const options of [read(session), read(secret), await byToken(), ceilingRead]) expect(await answerTo(options)).toEqual(expected);
    expect(await answerTo(typename)).toEqual({ data: { __typename: "Query" } });

    const { medians, rounds, failures } = await compareAll({
      contenders: { typename, session: read(session), key: read(secret), token: byToken, ceiling: ceilingRead },
      rounds: ROUNDS,
      sliceSeconds: SLICE_SECONDS,
    });
    const reads = { session: medians.session, key: medians.key, token: medians.token };
    const rates = Object.values(reads).map(rate);
    const slowestOfFastest = Number((Math.min(...rates) / Math.max(...rates)).toFixed(3));
    await report("graphql-organization-read", {
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds,
      medians,
      failures,
      ofTypename: {
        session: ratio(reads.session, medians.typename),
        key: ratio(reads.key, medians.typename),
        token: ratio(reads.token, medians.typename),
      },
      ofCeiling: {
        session: ratio(reads.session, medians.ceiling),
        key: ratio(reads.key, medians.ceiling),
        token: ratio(reads.token, medians.ceiling),
      },
      slowestOfFastest,
      targets: TARGETS,
    });

    expect(failures).toEqual({ typename: 0, session: 0, key: 0, token: 0, ceiling: 0 });
    for (const result of Object.values(reads)) {
      expect(ratio(result, medians.typename)).toBeGreaterThanOrEqual(TARGETS.ofTypename);
      expect(ratio(result, medians.ceiling)).toBeGreaterThanOrEqual(TARGETS.ofCeiling);
      expect(result.p99).toBeLessThan(TARGETS.p99);
    }
    expect(slowestOfFastest).toBeGreaterThanOrEqual(TARGETS.slowestOfFastest);
  });
});
