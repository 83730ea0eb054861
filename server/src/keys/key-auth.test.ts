import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../test/support/audit";
import { eventually } from "../../../test/support/eventually";
import { graphqlData } from "../../../test/support/graphql-client";
import { basic, graphqlWithHeaders, keyTeam, mistyped } from "../../../test/support/keys";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { sql } from "../../../test/support/sql";
import { wsClient, wsExecute } from "../../../test/support/ws-client";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ KEY_USAGE_FLUSH_SECONDS: "0.2" });
});
afterAll(() => server?.stop());

const ORG = `query($id: ID!) { organization(id: $id) { name locations { nodes { name } } } }`;

describe("authenticating with keys", () => {
  it("accepts each kind the way its integrators send it", async () => {
    const team = await keyTeam(server);
    const secret = await team.createKey({ kind: "SECRET" });
    const pair = await team.createKey({ kind: "KEY_PAIR" });
    const basicKey = await team.createKey({ kind: "BASIC" });
    const variables = { id: team.organization.id };
    const expected = { organization: { name: "Claire Dealer", locations: { nodes: [] } } };
    expect((await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${secret.secret}` }, variables)).data).toEqual(expected);
    expect((await graphqlWithHeaders(server, ORG, { accessKey: pair.key.publicId, secretKey: pair.secret }, variables)).data).toEqual(
      expected,
    );
    expect(
      (await graphqlWithHeaders(server, ORG, { authorization: basic(basicKey.key.publicId, basicKey.secret) }, variables)).data,
    ).toEqual(expected);

    // The halves of different keys do not combine, and a kind only works its own way.
    expect((await graphqlWithHeaders(server, ORG, { accessKey: basicKey.key.publicId, secretKey: pair.secret }, variables)).status).toBe(
      401,
    );
    expect((await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${pair.secret}` }, variables)).status).toBe(401);
    const refused = await graphqlWithHeaders(
      server,
      ORG,
      { authorization: basic(basicKey.key.publicId, mistyped(basicKey.secret)) },
      variables,
    );
    expect(refused.errors?.[0]).toEqual({
      message: "The credential sent is invalid, expired or revoked.",
      extensions: { code: "UNAUTHENTICATED" },
    });
  });

  it("acts for its mapped user, narrowed by its scopes, and is named in the audit log", async () => {
    const team = await keyTeam(server);
    const readOnly = await team.createKey({ name: "Reader" });
    const manager = await team.createKey({ name: "Manager", scopes: ["LOCATIONS_MANAGE"] });
    const CREATE = `mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { name } userErrors { code } } }`;
    const input = { input: { organizationId: team.organization.id, name: "By key" } };
    const denied = await graphqlWithHeaders(server, CREATE, { authorization: `Bearer ${readOnly.secret}` }, input);
    expect(denied.data.createLocation.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const allowed = await graphqlWithHeaders(server, CREATE, { authorization: `Bearer ${manager.secret}` }, input);
    expect(allowed.data.createLocation).toEqual({ location: { name: "By key" }, userErrors: [] });
    const [entry] = (await auditLog(server, team.owner.token, team.organization.id, { actions: ["LOCATION_CREATED"] })).nodes;
    expect(entry.actor).toEqual({ email: team.owner.email });
    const [row] = await sql(
      server.databaseUrl,
      "select actor_key_id from audit_entries where action = 'location.created' and organization_id = (select organization_id from api_keys where name = 'Manager')",
    );
    expect(row.actor_key_id).toBeTruthy();
  });

  it("loses what its mapped user loses", async () => {
    const team = await keyTeam(server);
    const admin = await team.addMember("Admin", "Admin");
    const adminId = (await graphqlData(server, `{ viewer { id } }`, {}, admin.token)).viewer.id;
    const { secret } = await team.createKey({ mappedUserId: adminId, scopes: ["AUDIT_READ"] });
    const AUDIT = `query($id: ID!) { organization(id: $id) { auditLog(first: 1) { totalCount } } }`;
    const before = await graphqlWithHeaders(server, AUDIT, { authorization: `Bearer ${secret}` }, { id: team.organization.id });
    expect(before.data.organization.auditLog.totalCount).toBeGreaterThan(0);
    await graphqlData(
      server,
      `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { userErrors { code } } }`,
      { input: { membershipId: admin.membershipId, roleId: team.organization.roles.Viewer } },
      team.owner.token,
    );
    const after = await graphqlWithHeaders(server, AUDIT, { authorization: `Bearer ${secret}` }, { id: team.organization.id });
    expect(after.data.organization.auditLog).toBeNull();
  });

  it("never reaches another organisation, even one its mapped user belongs to", async () => {
    const home = await keyTeam(server, "Home");
    const other = await keyTeam(server, "Other");
    await graphqlData(
      server,
      `mutation($input: AddMemberInput!) { addMember(input: $input) { userErrors { code } } }`,
      { input: { organizationId: other.organization.id, email: home.owner.email, roleId: other.organization.roles.Admin } },
      other.owner.token,
    );
    const { secret } = await home.createKey();
    const seen = await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${secret}` }, { id: other.organization.id });
    expect(seen.data.organization).toBeNull();
    const viaSession = await graphqlData(server, ORG, { id: other.organization.id }, home.owner.token);
    expect(viaSession.organization.name).toBe("Other");
  });

  it("scopes a location key to its location (a CRM location key)", async () => {
    const team = await keyTeam(server);
    const make = async (name: string) =>
      (
        await graphqlData(
          server,
          `mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { id } } }`,
          { input: { organizationId: team.organization.id, name } },
          team.owner.token,
        )
      ).createLocation.location.id as string;
    const north = await make("North");
    const south = await make("South");
    const { secret } = await team.createKey({ locationId: north });
    const headers = { authorization: `Bearer ${secret}` };
    const NODE = `query($id: ID!) { node(id: $id) { ... on Location { name organization { name } } } }`;
    expect((await graphqlWithHeaders(server, NODE, headers, { id: north })).data.node).toEqual({ name: "North", organization: null });
    expect((await graphqlWithHeaders(server, NODE, headers, { id: south })).data.node).toBeNull();
    expect((await graphqlWithHeaders(server, ORG, headers, { id: team.organization.id })).data.organization).toBeNull();
    const orgKey = await team.createKey();
    const both = await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${orgKey.secret}` }, { id: team.organization.id });
    expect(both.data.organization.locations.nodes).toEqual([{ name: "North" }, { name: "South" }]);
  });

  it("refuses a key used from outside its address allowlist", async () => {
    const team = await keyTeam(server);
    const outside = await team.createKey({ allowedCidrs: ["10.0.0.0/8"] });
    const inside = await team.createKey({ allowedCidrs: ["127.0.0.0/8", "::1/128"] });
    expect(
      (await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${outside.secret}` }, { id: team.organization.id })).status,
    ).toBe(401);
    expect((await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${inside.secret}` }, { id: team.organization.id })).status).toBe(
      200,
    );
  });

  it("keeps lastUsedAt up to date, written in batches", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey();
    const before = Date.now();
    await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${secret}` }, { id: team.organization.id });
    const KEY = `query($id: ID!) { node(id: $id) { ... on ApiKey { lastUsedAt } } }`;
    // Written within KEY_USAGE_FLUSH_SECONDS (0.2 s here).
    const lastUsedAt = await eventually(async () => {
      const { node } = await graphqlData(server, KEY, { id: key.id }, team.owner.token);
      expect(node.lastUsedAt).not.toBeNull();
      return node.lastUsedAt as string;
    });
    expect(new Date(lastUsedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("authenticates graphql-ws connections with a key in connection_init", async () => {
    const team = await keyTeam(server);
    const { secret } = await team.createKey();
    const client = wsClient(server, `Bearer ${secret}`);
    try {
      expect(await wsExecute(client, ORG, { id: team.organization.id })).toEqual({
        data: { organization: { name: "Claire Dealer", locations: { nodes: [] } } },
      });
    } finally {
      await client.dispose();
    }
  });
});

describe("keys cannot outgrow their makers", () => {
  it("refuses a key with permissions its creator lacks, even mapped to someone who has them", async () => {
    const team = await keyTeam(server);
    const admin = await team.addMember("Admin", "Admin");
    await graphqlData(
      server,
      `mutation($input: AcceptApiAgreementInput!) { acceptApiAgreement(input: $input) { userErrors { code } } }`,
      { input: { organizationId: team.organization.id } },
      admin.token,
    );
    const ownerId = (await graphqlData(server, `{ viewer { id } }`, {}, team.owner.token)).viewer.id;
    const escalation = await team.tryCreateKey({ mappedUserId: ownerId, scopes: ["ORG_DELETE"] }, admin.token);
    expect(escalation.userErrors).toEqual([
      { field: ["permissions"], code: "FORBIDDEN", message: "You cannot grant permissions you do not hold yourself: org:delete." },
    ]);
  });

  it("does not let a key widen itself, see its user's other organisations, or act as its user", async () => {
    const team = await keyTeam(server);
    const other = await keyTeam(server, "Other Org");
    await graphqlData(
      server,
      `mutation($input: AddMemberInput!) { addMember(input: $input) { userErrors { code } } }`,
      { input: { organizationId: other.organization.id, email: team.owner.email, roleId: other.organization.roles.Viewer } },
      other.owner.token,
    );
    const { key, secret } = await team.createKey({ name: "Narrow" });
    const headers = { authorization: `Bearer ${secret}` };
    const widen = await graphqlWithHeaders(
      server,
      `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { userErrors { code } } }`,
      headers,
      { input: { id: key.id, scopes: ["KEYS_MANAGE_ALL"] } },
    );
    // A key without `keys:read:all` does not even see keys, itself included.
    expect(widen.data.updateKey.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    const seen = await graphqlWithHeaders(server, `{ viewer { memberships { organization { name } } } }`, headers);
    expect(seen.data.viewer.memberships).toEqual([{ organization: { name: "Claire Dealer" } }]);
    const founding = await graphqlWithHeaders(
      server,
      `mutation { createOrganization(input: { name: "By key" }) { userErrors { code } } }`,
      headers,
    );
    expect(founding.errors?.[0].extensions.code).toBe("FORBIDDEN");
  });

  it("stops working for outside services once its user leaves the organisation", async () => {
    const team = await keyTeam(server);
    const admin = await team.addMember("Leaving Admin", "Admin");
    await graphqlData(
      server,
      `mutation($input: AcceptApiAgreementInput!) { acceptApiAgreement(input: $input) { userErrors { code } } }`,
      { input: { organizationId: team.organization.id } },
      admin.token,
    );
    const { secret } = await team.createKey({ name: "Admin's integration" }, admin.token);
    await graphqlData(
      server,
      `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { userErrors { code } } }`,
      { input: { membershipId: admin.membershipId } },
      team.owner.token,
    );
    const response = await fetch(`${server.url}/v1/keys/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: secret }),
    });
    expect(await response.json()).toMatchObject({ valid: false, code: "OWNER_REMOVED" });
  });
});
