import { type GraphQLField, type GraphQLOutputType, getNamedType, isLeafType, isObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latchkeySchema } from "../../server/src/graphql/schema";
import { openFingerprints } from "../support/fingerprint";
import { badInputCase, type FuzzCase, type FuzzWorld, seededRandom } from "../support/fuzz-inputs";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { createEndpoint } from "../support/webhooks";

/** Set FUZZ_SEED to repeat a run; the seed is printed either way. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CASES_PER_MUTATION = 10;
/** Sign-up and sign-in are rate limited per address: a few cases each, so the limit never answers for them. */
const CREDENTIAL_MUTATIONS: Record<string, number> = { signUp: 3, signIn: 3 };
/** Run last, so that a bad input they happen to accept does not take the world away from the others. */
const DESTRUCTIVE = /^(delete|remove|revoke|disable)/;
/**
 * Tables whose content may change although the request was refused. None today: sessions are
 * not touched by reads, key usage is written only for key-authenticated requests, and the job
 * queue (which runs nothing here: SCHEDULER_ENABLED=false) lives outside the public schema.
 */
const CHANGES_ON_REFUSAL: string[] = [];

let server: TestServer;
let world: FuzzWorld;
let token: string;
beforeAll(async () => {
  // Webhook URLs in this file are 127.0.0.1 or under .invalid, and no worker runs to deliver them.
  server = await startTestServer({ WEBHOOK_ALLOWED_TARGETS: "127.0.0.1/32", SCHEDULER_ENABLED: "false" });
  world = await buildWorld(server);
});
afterAll(() => server?.stop());

async function buildWorld(server: TestServer): Promise<FuzzWorld> {
  const team = await keyTeam(server, "Fuzz Dealer");
  token = team.owner.token;
  const organizationId = team.organization.id;
  const run = (mutation: string, inputType: string, selection: string, input: Record<string, unknown>, as = token) =>
    graphqlData(server, `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${selection} } }`, { input }, as).then(
      (data) => data[mutation],
    );
  const location = await run("createLocation", "CreateLocationInput", "location { id }", { organizationId, name: "Fuzz Depot" });
  const role = await run("createRole", "CreateRoleInput", "role { id }", {
    organizationId,
    name: "Fuzz Role",
    permissions: ["ORG_READ"],
  });
  const member = await team.addMember("Fuzz Member", "Developer");
  const { key } = await team.createKey({ name: "Fuzz Key" });
  const endpoint = await createEndpoint(server, token, { organizationId, url: "http://127.0.0.1:9/fuzz" });
  const stranger = await signUp(server, "Fuzz Stranger");
  const foreign = await createOrganization(server, stranger.token, "Fuzz Foreign");
  const foreignLocation = await run(
    "createLocation",
    "CreateLocationInput",
    "location { id }",
    { organizationId: foreign.id, name: "Foreign Depot" },
    stranger.token,
  );
  return {
    organizationId,
    locationId: location.location.id,
    roleId: team.organization.roles.Developer as string,
    customRoleId: role.role.id,
    memberMembershipId: member.membershipId,
    memberUserId: (await graphqlData(server, "{ viewer { id } }", {}, member.token)).viewer.id,
    keyId: key.id,
    endpointId: endpoint.endpoint?.id,
    foreignOrganizationId: foreign.id,
    foreignLocationId: foreignLocation.location.id,
  };
}

interface Request extends FuzzCase {
  mutation: string;
  query: string;
}

function requestsFor(mutations: GraphQLField<unknown, unknown>[]): Request[] {
  const random = seededRandom(SEED);
  const ordered = [...mutations].sort(
    (a, b) => Number(DESTRUCTIVE.test(a.name)) - Number(DESTRUCTIVE.test(b.name)) || a.name.localeCompare(b.name),
  );
  return ordered.flatMap((mutation) => {
    const input = mutation.args.find((arg) => arg.name === "input");
    if (!input) {
      // Nothing to get wrong but the arguments themselves.
      const query = `mutation { ${mutation.name}(bogus: 1) { __typename } }`;
      return [{ mutation: mutation.name, query, label: "unknown argument", variables: {} }];
    }
    const query = `mutation($input: ${String(input.type)}) { ${mutation.name}(input: $input) { ${payloadSelection(mutation.type)} } }`;
    const count = CREDENTIAL_MUTATIONS[mutation.name] ?? CASES_PER_MUTATION;
    return Array.from({ length: count }, () => ({ mutation: mutation.name, query, ...badInputCase(mutation, world, random) }));
  });
}

describe("fuzzing every mutation with bad input", () => {
  it("answers every bad input without a 5xx or an internal error, and writes nothing when it refuses", async () => {
    console.info(`fuzz seed ${SEED} (set FUZZ_SEED=${SEED} to repeat this run)`);
    const mutationType = (await latchkeySchema()).getMutationType();
    const mutations = Object.values(mutationType?.getFields() ?? {});
    const requests = requestsFor(mutations);
    expect(new Set(requests.map((request) => request.mutation))).toEqual(new Set(mutations.map((mutation) => mutation.name)));
    expect(requests.length).toBeGreaterThan(300);

    const fingerprints = await openFingerprints(server.databaseUrl, CHANGES_ON_REFUSAL);
    const findings: string[] = [];
    const outcomes = new Map<string, number>();
    try {
      let before = await fingerprints.read();
      for (const request of requests) {
        const response = await fetch(server.graphqlUrl, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: request.query, variables: request.variables }),
        });
        const text = await response.text();
        const body = parseJson(text) as {
          data?: Record<string, { userErrors?: unknown[] } | null> | null;
          errors?: Array<{ extensions?: { code?: string } }>;
        } | null;
        const where = `${request.mutation}(${request.label})`;
        if (response.status >= 500) findings.push(`${where}: HTTP ${response.status} ${text.slice(0, 200)}`);
        if (!body) findings.push(`${where}: not JSON: ${text.slice(0, 200)}`);
        if (body?.errors?.some((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR")) {
          findings.push(`${where}: INTERNAL_SERVER_ERROR`);
        }
        const after = await fingerprints.read();
        const userErrors = (body?.data?.[request.mutation]?.userErrors ?? []) as Array<{ code?: string }>;
        const outcome = body?.errors?.length
          ? `HTTP ${response.status} ${body.errors[0]?.extensions?.code}`
          : userErrors.length
            ? `userErrors ${userErrors[0]?.code}`
            : "accepted";
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        const refused = !body || Boolean(body.errors?.length) || Boolean(body.data?.[request.mutation]?.userErrors?.length);
        const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
        if (refused && changed.length) findings.push(`${where}: refused, yet wrote to ${changed.join(", ")}`);
        before = after;
      }
    } finally {
      await fingerprints.close();
    }
    console.info("fuzz outcomes", Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])));
    expect(findings, `seed ${SEED}`).toEqual([]);
  }, 120_000);
});

/** Every field of a payload a client could ask for without arguments, objects by `id`, so refusals resolve whole payloads. */
function payloadSelection(type: GraphQLOutputType): string {
  const payload = getNamedType(type);
  if (!isObjectType(payload)) return "__typename";
  const fields = Object.values(payload.getFields()).flatMap((field) => {
    if (field.args.some((arg) => arg.type.toString().endsWith("!"))) return [];
    const named = getNamedType(field.type);
    if (isLeafType(named)) return [field.name];
    if (field.name === "userErrors") return ["userErrors { field code message }"];
    return isObjectType(named) && named.getFields().id ? [`${field.name} { id }`] : [`${field.name} { __typename }`];
  });
  return ["__typename", ...fields].join(" ");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
