import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { graphqlWithHeaders, keyTeam } from "../support/keys";
import { metricValue } from "../support/metrics";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";

/**
 * A frontend's simplest authenticated read, one object with one nested count, costs one SQL statement
 * for its data and, the first time a caller is seen, one for the caller; after that the caller comes
 * from memory. Counted with the server's own `latchkey_db_statements_total`, around one request.
 * Caches are long here (300 s), so that only eviction can explain a change being seen.
 */
const env = {
  LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"),
  LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64"),
  CALLER_CACHE_SECONDS: "300",
  KEY_CACHE_SECONDS: "300",
  // Key usage is written in the background; none of it may fall inside a measured request.
  KEY_USAGE_FLUSH_SECONDS: "300",
};
const READ = `query Org($id: ID!) { organization(id: $id) { name locations { totalCount } } }`;
const WITH_PERMISSIONS = `query Org($id: ID!) { organization(id: $id) { name viewerPermissions } }`;

let server: TestServer;
let second: TestServer;
beforeAll(async () => {
  server = await startTestServer(env);
  second = await startSecondInstance(server, env);
});
afterAll(async () => {
  await second?.stop();
  await server?.stop();
});

/** A team whose organisation has two locations, so that the count is not an accident. */
async function teamWithLocations(target: TestServer) {
  const team = await keyTeam(target);
  for (const name of ["North", "South"]) {
    await graphqlData(
      target,
      `mutation($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`,
      { input: { organizationId: team.organization.id, name } },
      team.owner.token,
    );
  }
  return team;
}

async function signIn(target: TestServer, person: { email: string; password: string }): Promise<string> {
  const { signIn } = await graphqlData(target, `mutation($input: SignInInput!) { signIn(input: $input) { token } }`, {
    input: { email: person.email, password: person.password },
  });
  return signIn.token;
}

async function oauthToken(target: TestServer, team: Awaited<ReturnType<typeof keyTeam>>): Promise<string> {
  const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT" });
  const response = await fetch(`${target.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: key.publicId, client_secret: secret }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The answer to `query` sent with `authorization`, and the statements it cost. */
async function measured(target: TestServer, query: string, authorization: string, organizationId: string) {
  const before = await metricValue(target, "latchkey_db_statements_total");
  const response = await graphqlWithHeaders(target, query, { authorization }, { id: organizationId });
  const statements = (await metricValue(target, "latchkey_db_statements_total")) - before;
  return { ...response, statements };
}

describe("an authenticated read of one organisation with its location count", () => {
  it("costs two statements for a caller seen the first time and one after, by session, key and OAuth token alike", async () => {
    const team = await teamWithLocations(server);
    const { secret } = await team.createKey({ name: "Frontend" });
    const credentials = {
      session: `Bearer ${await signIn(server, team.owner)}`,
      key: `Bearer ${secret}`,
      token: `Bearer ${await oauthToken(server, team)}`,
    };
    for (const [credential, authorization] of Object.entries(credentials)) {
      const first = await measured(server, READ, authorization, team.organization.id);
      const again = await measured(server, READ, authorization, team.organization.id);
      const expected = { organization: { name: "Claire Dealer", locations: { totalCount: 2 } } };
      expect({ credential, data: first.data, statements: first.statements }).toEqual({ credential, data: expected, statements: 2 });
      expect({ credential, data: again.data, statements: again.statements }).toEqual({ credential, data: expected, statements: 1 });
    }
  });

  it("still reads the page itself when the query asks for locations, not only their count", async () => {
    const team = await teamWithLocations(server);
    const authorization = `Bearer ${team.owner.token}`;
    const query = `query Org($id: ID!) { organization(id: $id) { locations(first: 1) { totalCount nodes { name } pageInfo { hasNextPage } } } }`;
    await measured(server, query, authorization, team.organization.id);
    const cached = await measured(server, query, authorization, team.organization.id);
    expect(cached.data.organization.locations).toEqual({ totalCount: 2, nodes: [{ name: "North" }], pageInfo: { hasNextPage: true } });
    // The organisation with its count, then the page.
    expect(cached.statements).toBe(2);
  });
});

describe("many callers reading at once", () => {
  it("gives each caller its own organisation and nobody another's, in no more statements than reads", async () => {
    const teams = [await teamWithLocations(server), await keyTeam(server, "Other Dealer")];
    const [first] = teams;
    // Each caller is cached first, so that only the reads themselves are counted.
    for (const team of teams) await measured(server, READ, `Bearer ${team.owner.token}`, team.organization.id);
    const asks = Array.from({ length: 24 }, (_, index) => {
      const caller = teams[index % 2];
      // Every third request asks for the other team's organisation, which its caller may not read.
      const target = index % 3 === 2 ? teams[(index + 1) % 2] : caller;
      return { caller, target };
    });
    const before = await metricValue(server, "latchkey_db_statements_total");
    const answers = await Promise.all(
      asks.map(({ caller, target }) =>
        graphqlWithHeaders(server, READ, { authorization: `Bearer ${caller.owner.token}` }, { id: target.organization.id }),
      ),
    );
    const statements = (await metricValue(server, "latchkey_db_statements_total")) - before;
    const expected = (caller: typeof first, target: typeof first) =>
      caller !== target
        ? { organization: null }
        : caller === first
          ? { organization: { name: "Claire Dealer", locations: { totalCount: 2 } } }
          : { organization: { name: "Other Dealer", locations: { totalCount: 0 } } };
    expect(answers.map((answer) => answer.data)).toEqual(asks.map(({ caller, target }) => expected(caller, target)));
    expect(statements).toBeLessThanOrEqual(asks.filter(({ caller, target }) => caller === target).length);
  });
});

describe("a caller cached on one instance", () => {
  const CHANGE_ROLE = `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { userErrors { code } } }`;

  /** Reads as `authorization` on the second instance until the caller is served from memory there. */
  async function cachedOnSecond(query: string, authorization: string, organizationId: string) {
    await measured(second, query, authorization, organizationId);
    const cached = await measured(second, query, authorization, organizationId);
    expect(cached.statements).toBe(1);
    return cached.data;
  }

  it("loses the permissions of a narrower role within a second of the change on another instance, by session and by key", async () => {
    const team = await keyTeam(server);
    const admin = await team.addMember("Narrowed Admin", "Admin");
    await graphqlData(
      server,
      `mutation($input: AcceptApiAgreementInput!) { acceptApiAgreement(input: $input) { userErrors { code } } }`,
      { input: { organizationId: team.organization.id } },
      admin.token,
    );
    const { secret } = await team.createKey({ name: "Admin's", scopes: ["ORG_READ", "MEMBERS_MANAGE"] }, admin.token);
    const id = team.organization.id;
    const session = await cachedOnSecond(WITH_PERMISSIONS, `Bearer ${admin.token}`, id);
    const key = await cachedOnSecond(WITH_PERMISSIONS, `Bearer ${secret}`, id);
    expect(session.organization.viewerPermissions).toContain("MEMBERS_MANAGE");
    expect(key.organization.viewerPermissions).toEqual(["ORG_READ", "MEMBERS_MANAGE"]);

    const changed = await graphqlData(
      server,
      CHANGE_ROLE,
      { input: { membershipId: admin.membershipId, roleId: team.organization.roles.Developer } },
      team.owner.token,
    );
    expect(changed.changeMemberRole.userErrors).toEqual([]);

    await eventually(
      async () => {
        const bySession = await graphqlWithHeaders(second, WITH_PERMISSIONS, { authorization: `Bearer ${admin.token}` }, { id });
        expect(bySession.data.organization.viewerPermissions).not.toContain("MEMBERS_MANAGE");
        const byKey = await graphqlWithHeaders(second, WITH_PERMISSIONS, { authorization: `Bearer ${secret}` }, { id });
        expect(byKey.data.organization.viewerPermissions).toEqual(["ORG_READ"]);
      },
      { timeoutMs: 1_000 },
    );
  });

  it("loses what a role no longer grants within a second of the role's change on another instance", async () => {
    const team = await keyTeam(server);
    const { createRole } = await graphqlData(
      server,
      `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } userErrors { code } } }`,
      { input: { organizationId: team.organization.id, name: "Auditor", permissions: ["ORG_READ", "AUDIT_READ"] } },
      team.owner.token,
    );
    const auditor = await team.addMember("Auditor", "Developer");
    await graphqlData(server, CHANGE_ROLE, { input: { membershipId: auditor.membershipId, roleId: createRole.role.id } }, team.owner.token);
    const id = team.organization.id;
    const before = await cachedOnSecond(WITH_PERMISSIONS, `Bearer ${auditor.token}`, id);
    expect(before.organization.viewerPermissions).toEqual(["ORG_READ", "AUDIT_READ"]);

    await graphqlData(
      server,
      `mutation($input: UpdateRoleInput!) { updateRole(input: $input) { userErrors { code } } }`,
      { input: { id: createRole.role.id, permissions: ["ORG_READ"] } },
      team.owner.token,
    );

    await eventually(
      async () => {
        const after = await graphqlWithHeaders(second, WITH_PERMISSIONS, { authorization: `Bearer ${auditor.token}` }, { id });
        expect(after.data.organization.viewerPermissions).toEqual(["ORG_READ"]);
      },
      { timeoutMs: 1_000 },
    );
  });

  it("sees an organisation within a second of being added to it on another instance", async () => {
    const team = await keyTeam(server);
    const newcomer = await signUp(server, "Newcomer");
    const own = await createOrganization(server, newcomer.token, "Newcomer's own");
    // Cached on the second instance as a member of their own organisation only.
    await cachedOnSecond(READ, `Bearer ${newcomer.token}`, own.id);
    const id = team.organization.id;
    expect((await graphqlWithHeaders(second, READ, { authorization: `Bearer ${newcomer.token}` }, { id })).data).toEqual({
      organization: null,
    });

    await graphqlData(
      server,
      `mutation($input: AddMemberInput!) { addMember(input: $input) { userErrors { code } } }`,
      { input: { organizationId: id, email: newcomer.email, roleId: team.organization.roles.Viewer } },
      team.owner.token,
    );

    await eventually(
      async () => {
        const after = await graphqlWithHeaders(second, READ, { authorization: `Bearer ${newcomer.token}` }, { id });
        expect(after.data.organization.name).toBe("Claire Dealer");
      },
      { timeoutMs: 1_000 },
    );
  });

  it("no longer sees the organisation within a second of being removed from it on another instance", async () => {
    const team = await keyTeam(server);
    const member = await team.addMember("Removed Member", "Developer");
    const id = team.organization.id;
    const before = await cachedOnSecond(READ, `Bearer ${member.token}`, id);
    expect(before.organization.name).toBe("Claire Dealer");

    await graphqlData(
      server,
      `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { userErrors { code } } }`,
      { input: { membershipId: member.membershipId } },
      team.owner.token,
    );

    await eventually(
      async () => {
        const after = await graphqlWithHeaders(second, READ, { authorization: `Bearer ${member.token}` }, { id });
        expect(after.data).toEqual({ organization: null });
      },
      { timeoutMs: 1_000 },
    );
  });

  it("refuses a session within a second of its sign-out on another instance", async () => {
    const team = await keyTeam(server);
    const token = await signIn(server, team.owner);
    const id = team.organization.id;
    await cachedOnSecond(READ, `Bearer ${token}`, id);

    await graphqlData(server, `mutation { signOut { signedOut } }`, {}, token);

    await eventually(
      async () => {
        const after = await graphqlWithHeaders(second, READ, { authorization: `Bearer ${token}` }, { id });
        expect(after.status).toBe(401);
        expect(after.errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
      },
      { timeoutMs: 1_000 },
    );
    // The owner's other session is untouched.
    const other = await graphqlWithHeaders(second, READ, { authorization: `Bearer ${team.owner.token}` }, { id });
    expect(other.data.organization.name).toBe("Claire Dealer");
  });
});
