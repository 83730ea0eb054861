import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database";
import { trustedIssuers } from "../support/federation";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { startOidcProvider, type TestIdentityProvider } from "../support/oidc-provider";
import { compare, SLICE_SECONDS } from "./load";
import { type Spawned, spawnLatchkey } from "./processes";
import { report } from "./report";

/**
 * GraphQL authenticated by a JWT from the host's identity provider against the same query by
 * session, in alternating rounds on the same Latchkey process. The provider's keys are fetched once
 * and cached, and a known identity costs no SQL, so the token should cost no more than the
 * session's one lookup.
 */
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Math.max(Number(process.env.BENCH_ROUNDS ?? 5), 3);

let idp: TestIdentityProvider;
let latchkey: Spawned;
let drop: () => Promise<void>;
let session: string;
let federatedToken: string;
let organizationId: string;

beforeAll(async () => {
  idp = await startOidcProvider();
  const database = await createTestDatabase();
  drop = database.drop;
  latchkey = await spawnLatchkey(database.url, "federated", { AUTH_ISSUERS: trustedIssuers(idp) });
  const server = { graphqlUrl: `${latchkey.url}/graphql` };
  federatedToken = await idp.accessToken("bench-owner", { email: "bench.owner@host.test", name: "Bench Owner" });
  const organization = await createOrganization(server, federatedToken, "Bench Org");
  organizationId = organization.id;
  const colleague = await signUp(server, "Bench Session");
  session = colleague.token;
  const added = await graphqlData(
    server,
    `mutation($input: AddMemberInput!) { addMember(input: $input) { userErrors { code } } }`,
    { input: { organizationId, email: colleague.email, roleId: organization.roles.Developer } },
    federatedToken,
  );
  expect(added.addMember.userErrors).toEqual([]);
});

afterAll(async () => {
  await latchkey?.stop();
  await drop?.();
  await idp?.stop();
});

describe("federated sign-in benchmark", () => {
  it("a GraphQL query authenticated by the identity provider's JWT keeps at least 90% of the throughput of the same query by session", async () => {
    const body = JSON.stringify({
      query: `query Org($id: ID!) { organization(id: $id) { name locations { totalCount } } }`,
      variables: { id: organizationId },
    });
    const url = `${latchkey.url}/graphql`;
    const answers = await Promise.all(
      [session, federatedToken].map(async (token) =>
        (
          await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body })
        ).json(),
      ),
    );
    expect(answers).toEqual([
      { data: { organization: { name: "Bench Org", locations: { totalCount: 0 } } } },
      { data: { organization: { name: "Bench Org", locations: { totalCount: 0 } } } },
    ]);
    const fetchesBefore = idp.jwksFetches;
    const result = await compare({
      baseline: { url, body, headers: { authorization: `Bearer ${session}` }, connections: CONNECTIONS, seconds: SECONDS },
      candidate: { url, body, headers: { authorization: `Bearer ${federatedToken}` }, connections: CONNECTIONS, seconds: SECONDS },
      rounds: ROUNDS,
      sliceSeconds: SLICE_SECONDS,
    });
    await report("graphql-federated-jwt-vs-session", {
      connections: CONNECTIONS,
      seconds: SECONDS,
      sliceSeconds: SLICE_SECONDS,
      rounds: result.rounds,
      session: result.baseline,
      federated: result.candidate,
      ratio: Number(result.ratio.toFixed(3)),
      jwksFetchesDuringRun: idp.jwksFetches - fetchesBefore,
    });
    expect(result.candidate.errors + result.candidate.non2xx).toBe(0);
    expect(idp.jwksFetches).toBe(fetchesBefore);
    expect(result.ratio).toBeGreaterThanOrEqual(0.9);
  });
});
