import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../test/support/audit";
import { createOrganization, graphql, graphqlData, signUp } from "../../../test/support/graphql-client";
import { graphqlWithHeaders, keyTeam } from "../../../test/support/keys";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { rowCounts, sql } from "../../../test/support/sql";
import { jobOrigin, serviceContext } from "../core/service-context";
import { fromGlobalId } from "../graphql/global-id";
import { createLocation } from "./locations.service";

const UPDATE_ORG = `mutation($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) {
    organization { name settings { apiAccessForNonAdmins agreementVersion revealPolicy inactivityDays expiryWarningDays } }
    userErrors { field message code }
  }
}`;
const CREATE_LOCATION = `mutation($input: CreateLocationInput!) {
  createLocation(input: $input) { location { id name address organization { id } } userErrors { field message code } }
}`;

interface LocationPage {
  totalCount: number;
  nodes: { name: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const databaseId = (globalId: string) => fromGlobalId(globalId)?.id ?? "";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("organisations", () => {
  it("makes the founder Owner, with the four built-in roles and default settings", async () => {
    const founder = await signUp(server, "Founder");
    const organization = await createOrganization(server, founder.token, "Claire Dealers");
    const data = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) {
         name viewerPermissions
         settings { apiAccessForNonAdmins agreementVersion revealPolicy inactivityDays expiryWarningDays }
         roles { totalCount nodes { name builtIn } }
         members { nodes { user { email } role { name } } }
       } }`,
      { id: organization.id },
      founder.token,
    );
    expect(data.organization.name).toBe("Claire Dealers");
    expect(data.organization.settings).toEqual({
      apiAccessForNonAdmins: false,
      agreementVersion: 1,
      revealPolicy: "REVEALABLE",
      inactivityDays: 90,
      expiryWarningDays: [15, 7, 1],
    });
    expect(data.organization.roles.nodes).toEqual([
      { name: "Owner", builtIn: "OWNER" },
      { name: "Admin", builtIn: "ADMIN" },
      { name: "Developer", builtIn: "DEVELOPER" },
      { name: "Viewer", builtIn: "VIEWER" },
    ]);
    expect(data.organization.members.nodes).toEqual([{ user: { email: founder.email }, role: { name: "Owner" } }]);
    expect(data.organization.viewerPermissions).toContain("ORG_DELETE");
    const log = await auditLog(server, founder.token, organization.id);
    expect(log.nodes.map((entry) => entry.action)).toEqual(["ORGANIZATION_CREATED"]);
    expect(log.nodes[0].actor).toEqual({ email: founder.email });
  });

  it("renames and changes settings, recording what changed", async () => {
    const owner = await signUp(server, "Settings Owner");
    const organization = await createOrganization(server, owner.token);
    const { updateOrganization } = await graphqlData(
      server,
      UPDATE_ORG,
      {
        input: {
          id: organization.id,
          name: "Crelate Recruiting",
          settings: {
            apiAccessForNonAdmins: true,
            agreementVersion: 2,
            revealPolicy: "SHOW_ONCE",
            inactivityDays: 30,
            expiryWarningDays: [1, 30, 7],
          },
        },
      },
      owner.token,
    );
    expect(updateOrganization.userErrors).toEqual([]);
    expect(updateOrganization.organization).toEqual({
      name: "Crelate Recruiting",
      settings: {
        apiAccessForNonAdmins: true,
        agreementVersion: 2,
        revealPolicy: "SHOW_ONCE",
        inactivityDays: 30,
        expiryWarningDays: [30, 7, 1],
      },
    });
    const [entry] = (await auditLog(server, owner.token, organization.id, { actions: ["ORGANIZATION_UPDATED"] })).nodes;
    expect(entry.metadata.changes).toMatchObject({
      name: { from: "Acme Motors", to: "Crelate Recruiting" },
      "settings.revealPolicy": { from: "REVEALABLE", to: "SHOW_ONCE" },
      "settings.inactivityDays": { from: 90, to: 30 },
    });
  });

  it("refuses bad settings with field errors and changes nothing", async () => {
    const owner = await signUp(server, "Careful Owner");
    const organization = await createOrganization(server, owner.token);
    await graphqlData(server, UPDATE_ORG, { input: { id: organization.id, settings: { agreementVersion: 3 } } }, owner.token);
    const before = await rowCounts(server.databaseUrl, ["organizations", "audit_entries"]);
    const { updateOrganization } = await graphqlData(
      server,
      UPDATE_ORG,
      { input: { id: organization.id, name: "", settings: { inactivityDays: 0, expiryWarningDays: [7, 7] } } },
      owner.token,
    );
    expect(updateOrganization.organization).toBeNull();
    expect(updateOrganization.userErrors.map((error: { field: string[] }) => error.field.join("."))).toEqual([
      "name",
      "settings.inactivityDays",
      "settings.expiryWarningDays",
    ]);
    const lowered = await graphqlData(
      server,
      UPDATE_ORG,
      { input: { id: organization.id, settings: { agreementVersion: 2 } } },
      owner.token,
    );
    expect(lowered.updateOrganization.userErrors).toEqual([
      { field: ["settings", "agreementVersion"], code: "INVALID_INPUT", message: "The agreement version can only go up (it is 3)." },
    ]);
    expect(await rowCounts(server.databaseUrl, ["organizations", "audit_entries"])).toEqual(before);
    const { organization: unchanged } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { name settings { inactivityDays agreementVersion } } }`,
      { id: organization.id },
      owner.token,
    );
    expect(unchanged).toEqual({ name: "Acme Motors", settings: { inactivityDays: 90, agreementVersion: 3 } });
  });

  it("deletes an organisation with everything in it, keeping its audit history", async () => {
    const owner = await signUp(server, "Leaving Owner");
    const organization = await createOrganization(server, owner.token, "Short Lived");
    await graphqlData(server, CREATE_LOCATION, { input: { organizationId: organization.id, name: "Only branch" } }, owner.token);
    const { deleteOrganization } = await graphqlData(
      server,
      `mutation($input: DeleteOrganizationInput!) { deleteOrganization(input: $input) { deletedOrganizationId userErrors { code } } }`,
      { input: { id: organization.id } },
      owner.token,
    );
    expect(deleteOrganization).toEqual({ deletedOrganizationId: organization.id, userErrors: [] });
    const after = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { id } viewer { memberships { id } } }`,
      { id: organization.id },
      owner.token,
    );
    expect(after).toEqual({ organization: null, viewer: { memberships: [] } });
  });

  it("takes its keys with it, each announced as key.deleted and refused at once", async () => {
    const team = await keyTeam(server, "Closing Dealer");
    const { key, secret } = await team.createKey();
    const viewer = (credential: string) => graphqlWithHeaders(server, `{ viewer { email } }`, { authorization: `Bearer ${credential}` });
    expect((await viewer(secret)).status).toBe(200);
    const { deleteOrganization } = await graphqlData(
      server,
      `mutation($input: DeleteOrganizationInput!) { deleteOrganization(input: $input) { userErrors { code } } }`,
      { input: { id: team.organization.id } },
      team.owner.token,
    );
    expect(deleteOrganization.userErrors).toEqual([]);
    // Refused by this very instance straight away: its cached verification went with the commit.
    expect((await viewer(secret)).status).toBe(401);
    const keyId = databaseId(key.id);
    const audited = await sql(
      server.databaseUrl,
      "select action, metadata->>'reason' as reason from audit_entries where target_id = $1 order by occurred_at",
      [keyId],
    );
    expect(audited).toEqual([
      { action: "key.created", reason: null },
      { action: "key.deleted", reason: "organization deleted" },
    ]);
    const deletions = await sql(
      server.databaseUrl,
      "select payload->>'reason' as reason from domain_events where subject_id = $1 and type = 'key.deleted'",
      [keyId],
    );
    expect(deletions).toEqual([{ reason: "organization deleted" }]);
  });
});

describe("services called without a request", () => {
  it("record the job's origin and the time of the clock they are given", async () => {
    const owner = await signUp(server, "Scripted Owner");
    const organization = await createOrganization(server, owner.token, "Scripted Dealer");
    const { viewer } = await graphqlData(server, "{ viewer { id } }", {}, owner.token);
    const now = new Date("2030-01-02T03:04:05.000Z");
    const ctx = serviceContext(server.database.orm.em, {
      actor: { userId: databaseId(viewer.id), sessionId: null },
      origin: jobOrigin("location-import"),
      clock: { now: () => now },
    });
    const location = await createLocation(ctx, { organizationId: databaseId(organization.id), name: "Imported", address: null });
    expect(location.createdAt).toEqual(now);
    const [entry] = await sql(
      server.databaseUrl,
      "select action, request_id, ip_address, occurred_at, actor_user_id from audit_entries where target_id = $1",
      [location.id],
    );
    expect(entry).toEqual({
      action: "location.created",
      request_id: "location-import",
      ip_address: null,
      occurred_at: now,
      actor_user_id: databaseId(viewer.id),
    });
  });
});

describe("locations", () => {
  it("creates, renames and deletes locations, each step in the audit log", async () => {
    const owner = await signUp(server, "Dealer Admin");
    const organization = await createOrganization(server, owner.token);
    const created = await graphqlData(
      server,
      CREATE_LOCATION,
      { input: { organizationId: organization.id, name: "North", address: "1 High St" } },
      owner.token,
    );
    const location = created.createLocation.location;
    expect(created.createLocation.userErrors).toEqual([]);
    expect(location).toMatchObject({ name: "North", address: "1 High St", organization: { id: organization.id } });

    const updated = await graphqlData(
      server,
      `mutation($input: UpdateLocationInput!) { updateLocation(input: $input) { location { name address } userErrors { code } } }`,
      { input: { id: location.id, name: "North Branch", address: "" } },
      owner.token,
    );
    expect(updated.updateLocation).toEqual({ location: { name: "North Branch", address: null }, userErrors: [] });

    const refetched = await graphqlData(
      server,
      `query($id: ID!) { node(id: $id) { ... on Location { name } } }`,
      { id: location.id },
      owner.token,
    );
    expect(refetched.node).toEqual({ name: "North Branch" });

    const deleted = await graphqlData(
      server,
      `mutation($input: DeleteLocationInput!) { deleteLocation(input: $input) { deletedLocationId userErrors { code } } }`,
      { input: { id: location.id } },
      owner.token,
    );
    expect(deleted.deleteLocation).toEqual({ deletedLocationId: location.id, userErrors: [] });
    const { organization: after } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { locations { totalCount } } }`,
      { id: organization.id },
      owner.token,
    );
    expect(after.locations.totalCount).toBe(0);

    const log = await auditLog(server, owner.token, organization.id, { targetId: location.id });
    expect(log.nodes.map((entry) => entry.action)).toEqual(["LOCATION_DELETED", "LOCATION_UPDATED", "LOCATION_CREATED"]);
    expect(log.nodes[1].metadata).toEqual({
      before: { name: "North", address: "1 High St" },
      after: { name: "North Branch", address: null },
    });
  });

  it("refuses a duplicate name and an empty one, writing nothing", async () => {
    const owner = await signUp(server, "Tidy Admin");
    const organization = await createOrganization(server, owner.token);
    await graphqlData(server, CREATE_LOCATION, { input: { organizationId: organization.id, name: "Harbour" } }, owner.token);
    const before = await rowCounts(server.databaseUrl, ["locations", "audit_entries"]);
    const duplicate = await graphqlData(
      server,
      CREATE_LOCATION,
      { input: { organizationId: organization.id, name: " Harbour " } },
      owner.token,
    );
    expect(duplicate.createLocation).toEqual({
      location: null,
      userErrors: [{ field: ["name"], code: "CONFLICT", message: "This organization already has a location with that name." }],
    });
    const empty = await graphqlData(server, CREATE_LOCATION, { input: { organizationId: organization.id, name: "" } }, owner.token);
    expect(empty.createLocation.userErrors).toEqual([{ field: ["name"], code: "INVALID_INPUT", message: "name: must not be empty" }]);
    const badId = await graphqlData(server, CREATE_LOCATION, { input: { organizationId: "nonsense", name: "X" } }, owner.token);
    expect(badId.createLocation.userErrors).toEqual([
      { field: ["organizationId"], code: "INVALID_INPUT", message: "organizationId: is not the ID of a Organization" },
    ]);
    expect(await rowCounts(server.databaseUrl, ["locations", "audit_entries"])).toEqual(before);
  });

  it("pages through locations by cursor", async () => {
    const owner = await signUp(server, "Chain Owner");
    const organization = await createOrganization(server, owner.token);
    for (const name of ["A", "B", "C", "D", "E"]) {
      await graphqlData(server, CREATE_LOCATION, { input: { organizationId: organization.id, name } }, owner.token);
    }
    const PAGE = `query($id: ID!, $after: String) { organization(id: $id) { locations(first: 2, after: $after) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } } }`;
    const names: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const data: { organization: { locations: LocationPage } } = await graphqlData(
        server,
        PAGE,
        { id: organization.id, after },
        owner.token,
      );
      const { locations } = data.organization;
      expect(locations.totalCount).toBe(5);
      names.push(...locations.nodes.map((node: { name: string }) => node.name));
      if (!locations.pageInfo.hasNextPage) break;
      after = locations.pageInfo.endCursor;
    }
    expect(names).toEqual(["A", "B", "C", "D", "E"]);
    const bad = await graphql(server, PAGE.replace("first: 2", "first: 101"), { id: organization.id }, owner.token);
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
  });
});
