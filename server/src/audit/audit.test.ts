import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../test/support/audit";
import { createOrganization, graphql, graphqlData, signUp } from "../../../test/support/graphql-client";
import { keyTeam } from "../../../test/support/keys";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { sql } from "../../../test/support/sql";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const CREATE_LOCATION = `mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { id } userErrors { code } } }`;

describe("the audit log", () => {
  it("records who, what, on which object, when and from where", async () => {
    const owner = await signUp(server, "Auditor Owner");
    const organization = await createOrganization(server, owner.token);
    const response = await fetch(server.graphqlUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${owner.token}`,
        "user-agent": "audit-test/1.0",
        "x-request-id": "req-audit-1",
      },
      body: JSON.stringify({ query: CREATE_LOCATION, variables: { input: { organizationId: organization.id, name: "Quay" } } }),
    });
    const { data } = (await response.json()) as { data: { createLocation: { location: { id: string } } } };
    const [entry] = (await auditLog(server, owner.token, organization.id, { actions: ["LOCATION_CREATED"] })).nodes;
    expect(entry).toMatchObject({
      action: "LOCATION_CREATED",
      targetId: data.createLocation.location.id,
      actor: { email: owner.email },
      ipAddress: "127.0.0.1",
      requestId: "req-audit-1",
      metadata: { name: "Quay" },
    });
    expect(Date.now() - new Date(entry.occurredAt).getTime()).toBeLessThan(60_000);
    const [row] = await sql(server.databaseUrl, "select user_agent from audit_entries where request_id = 'req-audit-1'");
    expect(row.user_agent).toBe("audit-test/1.0");
  });

  it("filters by action, object and actor, newest first, and pages by cursor", async () => {
    const owner = await signUp(server, "Busy Owner");
    const organization = await createOrganization(server, owner.token);
    const admin = await signUp(server, "Busy Admin");
    await graphqlData(
      server,
      `mutation($input: AddMemberInput!) { addMember(input: $input) { userErrors { code } } }`,
      { input: { organizationId: organization.id, email: admin.email, roleId: organization.roles.Admin } },
      owner.token,
    );
    const ids: string[] = [];
    for (const name of ["One", "Two", "Three"]) {
      const { createLocation } = await graphqlData(
        server,
        CREATE_LOCATION,
        { input: { organizationId: organization.id, name } },
        admin.token,
      );
      ids.push(createLocation.location.id);
    }
    const byAdmin = await auditLog(server, owner.token, organization.id, {
      actorId: (await graphqlData(server, `{ viewer { id } }`, {}, admin.token)).viewer.id,
    });
    expect(byAdmin.nodes.map((entry) => entry.metadata.name)).toEqual(["Three", "Two", "One"]);
    const aboutTwo = await auditLog(server, owner.token, organization.id, { targetId: ids[1] });
    expect(aboutTwo.totalCount).toBe(1);
    const members = await auditLog(server, owner.token, organization.id, { actions: ["MEMBER_ADDED"] });
    expect(members.nodes.map((entry) => entry.actor?.email)).toEqual([owner.email]);

    const PAGE = `query($id: ID!, $after: String) { organization(id: $id) { auditLog(first: 2, after: $after) { nodes { action } pageInfo { hasNextPage endCursor } } } }`;
    const first = await graphqlData(server, PAGE, { id: organization.id }, owner.token);
    const second = await graphqlData(
      server,
      PAGE,
      { id: organization.id, after: first.organization.auditLog.pageInfo.endCursor },
      owner.token,
    );
    expect(first.organization.auditLog.nodes.map((node: { action: string }) => node.action)).toEqual([
      "LOCATION_CREATED",
      "LOCATION_CREATED",
    ]);
    expect(second.organization.auditLog.nodes.map((node: { action: string }) => node.action)).toEqual(["LOCATION_CREATED", "MEMBER_ADDED"]);
    expect(second.organization.auditLog.pageInfo.hasNextPage).toBe(true);

    const since = new Date(Date.now() + 60_000).toISOString();
    const future = await graphqlData(
      server,
      `query($id: ID!, $since: DateTimeISO) { organization(id: $id) { auditLog(since: $since) { totalCount } } }`,
      { id: organization.id, since },
      owner.token,
    );
    expect(future.organization.auditLog.totalCount).toBe(0);
  });

  it("is readable only with audit:read", async () => {
    const owner = await signUp(server, "Private Owner");
    const organization = await createOrganization(server, owner.token);
    const developer = await signUp(server, "Curious Developer");
    await graphqlData(
      server,
      `mutation($input: AddMemberInput!) { addMember(input: $input) { userErrors { code } } }`,
      { input: { organizationId: organization.id, email: developer.email, roleId: organization.roles.Developer } },
      owner.token,
    );
    const { organization: seen } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { name auditLog { totalCount } } }`,
      { id: organization.id },
      developer.token,
    );
    expect(seen).toEqual({ name: "Acme Motors", auditLog: null });
  });

  it("cannot be changed or erased, not even with SQL", async () => {
    const owner = await signUp(server, "Tamperer");
    await createOrganization(server, owner.token);
    await expect(sql(server.databaseUrl, "update audit_entries set reason = 'rewritten'")).rejects.toThrow(
      /append-only: UPDATE is not allowed/,
    );
    await expect(sql(server.databaseUrl, "delete from audit_entries")).rejects.toThrow(/append-only: DELETE is not allowed/);
    await expect(sql(server.databaseUrl, "truncate audit_entries")).rejects.toThrow(/append-only: TRUNCATE is not allowed/);
    const [row] = await sql(server.databaseUrl, "select count(*)::int as count, count(reason)::int as reasons from audit_entries");
    expect(row.count).toBeGreaterThan(0);
    expect(row.reasons).toBe(0);
  });

  it("offers no mutation that edits or deletes entries", async () => {
    const { data } = await graphql(server, `{ __schema { mutationType { fields { name } } } }`);
    const names = data?.__schema.mutationType.fields.map((field: { name: string }) => field.name);
    expect(names.filter((name: string) => /audit/i.test(name))).toEqual([]);
  });

  it("filters by an API key as the actor: what was done with that key, not what its user did otherwise; an ID of another type is refused", async () => {
    const team = await keyTeam(server, "Key Actor Motors");
    const { secret, key } = await team.createKey({ name: "Location sync", scopes: ["LOCATIONS_MANAGE"] });
    const byKey = await graphqlData(server, CREATE_LOCATION, { input: { organizationId: team.organization.id, name: "By key" } }, secret);
    const bySession = await graphqlData(
      server,
      CREATE_LOCATION,
      { input: { organizationId: team.organization.id, name: "By session" } },
      team.owner.token,
    );
    expect([byKey.createLocation.userErrors, bySession.createLocation.userErrors]).toEqual([[], []]);
    const filtered = await auditLog(server, team.owner.token, team.organization.id, { actorId: key.id, actions: ["LOCATION_CREATED"] });
    expect(filtered.nodes.map((entry) => entry.metadata.name)).toEqual(["By key"]);
    // The key acts for its user: a filter by the user shows both.
    const { viewer } = await graphqlData(server, "{ viewer { id } }", {}, team.owner.token);
    const byUser = await auditLog(server, team.owner.token, team.organization.id, { actorId: viewer.id, actions: ["LOCATION_CREATED"] });
    expect(byUser.nodes.map((entry) => entry.metadata.name)).toEqual(["By session", "By key"]);
    const refused = await graphql(
      server,
      `query($id: ID!, $actorId: ID) { organization(id: $id) { auditLog(actorId: $actorId) { totalCount } } }`,
      { id: team.organization.id, actorId: team.organization.id },
      team.owner.token,
    );
    expect(refused.errors?.[0]?.message).toBe("`actorId` is not the ID of a User, an ApiKey or a PlatformKey.");
  });
});
