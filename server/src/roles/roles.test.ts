import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../test/support/audit";
import { createOrganization, graphql, graphqlData, signUp } from "../../../test/support/graphql-client";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { rowCounts } from "../../../test/support/sql";

const CREATE_ROLE = `mutation($input: CreateRoleInput!) {
  createRole(input: $input) { role { id name description builtIn permissions } userErrors { field message code } }
}`;
const UPDATE_ROLE = `mutation($input: UpdateRoleInput!) { updateRole(input: $input) { role { name permissions } userErrors { field message code } } }`;
const DELETE_ROLE = `mutation($input: DeleteRoleInput!) { deleteRole(input: $input) { deletedRoleId userErrors { field message code } } }`;
const ADD_MEMBER = `mutation($input: AddMemberInput!) { addMember(input: $input) { membership { id } userErrors { code } } }`;
const CREATE_LOCATION = `mutation($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("custom roles", () => {
  it("creates a role from the catalogue; its holders get exactly those permissions", async () => {
    const owner = await signUp(server, "Owner");
    const organization = await createOrganization(server, owner.token);
    const { createRole } = await graphqlData(
      server,
      CREATE_ROLE,
      {
        input: {
          organizationId: organization.id,
          name: "Location manager",
          description: "Runs the branches",
          permissions: ["LOCATIONS_MANAGE"],
        },
      },
      owner.token,
    );
    expect(createRole.userErrors).toEqual([]);
    expect(createRole.role).toMatchObject({ name: "Location manager", builtIn: null, permissions: ["ORG_READ", "LOCATIONS_MANAGE"] });

    const manager = await signUp(server, "Manager");
    await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: manager.email, roleId: createRole.role.id } },
      owner.token,
    );
    const created = await graphqlData(server, CREATE_LOCATION, { input: { organizationId: organization.id, name: "East" } }, manager.token);
    expect(created.createLocation.userErrors).toEqual([]);
    const refused = await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: owner.email, roleId: createRole.role.id } },
      manager.token,
    );
    expect(refused.addMember.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const { organization: seen } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { viewerPermissions auditLog { totalCount } } }`,
      { id: organization.id },
      manager.token,
    );
    expect(seen).toEqual({ viewerPermissions: ["ORG_READ", "LOCATIONS_MANAGE"], auditLog: null });

    // Narrowing the role takes effect for its holders at once.
    const { updateRole } = await graphqlData(
      server,
      UPDATE_ROLE,
      { input: { id: createRole.role.id, name: "Branch reader", permissions: [] } },
      owner.token,
    );
    expect(updateRole).toEqual({ role: { name: "Branch reader", permissions: ["ORG_READ"] }, userErrors: [] });
    const now = await graphqlData(server, CREATE_LOCATION, { input: { organizationId: organization.id, name: "West" } }, manager.token);
    expect(now.createLocation.userErrors).toEqual([{ code: "FORBIDDEN" }]);

    const log = await auditLog(server, owner.token, organization.id, { targetId: createRole.role.id });
    expect(log.nodes.map((entry) => entry.action)).toEqual(["ROLE_UPDATED", "ROLE_CREATED"]);
  });

  it("refuses to change or delete built-in roles, and to delete a role in use", async () => {
    const owner = await signUp(server, "Owner");
    const organization = await createOrganization(server, owner.token);
    const before = await rowCounts(server.databaseUrl, ["roles", "audit_entries"]);
    const builtIn = await graphqlData(
      server,
      UPDATE_ROLE,
      { input: { id: organization.roles.Viewer, permissions: ["AUDIT_READ"] } },
      owner.token,
    );
    expect(builtIn.updateRole.userErrors).toEqual([
      { field: ["id"], code: "BUILT_IN_ROLE", message: "Viewer is a built-in role and cannot be changed." },
    ]);
    const deleteBuiltIn = await graphqlData(server, DELETE_ROLE, { input: { id: organization.roles.Owner } }, owner.token);
    expect(deleteBuiltIn.deleteRole.userErrors[0].code).toBe("BUILT_IN_ROLE");
    expect(await rowCounts(server.databaseUrl, ["roles", "audit_entries"])).toEqual(before);

    const { createRole } = await graphqlData(
      server,
      CREATE_ROLE,
      { input: { organizationId: organization.id, name: "Auditor", permissions: ["AUDIT_READ"] } },
      owner.token,
    );
    const auditor = await signUp(server, "Auditor");
    const added = await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: auditor.email, roleId: createRole.role.id } },
      owner.token,
    );
    const inUse = await graphqlData(server, DELETE_ROLE, { input: { id: createRole.role.id } }, owner.token);
    expect(inUse.deleteRole.userErrors).toEqual([
      { field: ["id"], code: "ROLE_IN_USE", message: "1 member(s) hold this role; give them another role first." },
    ]);

    await graphqlData(
      server,
      `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { userErrors { code } } }`,
      { input: { membershipId: added.addMember.membership.id } },
      owner.token,
    );
    const deleted = await graphqlData(server, DELETE_ROLE, { input: { id: createRole.role.id } }, owner.token);
    expect(deleted.deleteRole).toEqual({ deletedRoleId: createRole.role.id, userErrors: [] });
  });

  it("refuses duplicates, unknown permissions and escalation, writing nothing", async () => {
    const owner = await signUp(server, "Owner");
    const organization = await createOrganization(server, owner.token);
    const admin = await signUp(server, "Admin");
    await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: admin.email, roleId: organization.roles.Admin } },
      owner.token,
    );
    const developer = await signUp(server, "Developer");
    await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: developer.email, roleId: organization.roles.Developer } },
      owner.token,
    );
    const before = await rowCounts(server.databaseUrl, ["roles", "audit_entries"]);

    const duplicate = await graphqlData(
      server,
      CREATE_ROLE,
      { input: { organizationId: organization.id, name: "Admin", permissions: [] } },
      owner.token,
    );
    expect(duplicate.createRole.userErrors).toEqual([
      { field: ["name"], code: "CONFLICT", message: "This organization already has a role with that name." },
    ]);
    const escalation = await graphqlData(
      server,
      CREATE_ROLE,
      { input: { organizationId: organization.id, name: "Almost owner", permissions: ["ORG_DELETE"] } },
      admin.token,
    );
    expect(escalation.createRole.userErrors).toEqual([
      { field: ["permissions"], code: "FORBIDDEN", message: "You cannot grant permissions you do not hold yourself: org:delete." },
    ]);
    const noRight = await graphqlData(
      server,
      CREATE_ROLE,
      { input: { organizationId: organization.id, name: "Mine", permissions: [] } },
      developer.token,
    );
    expect(noRight.createRole.userErrors[0].code).toBe("FORBIDDEN");
    const blank = await graphqlData(
      server,
      CREATE_ROLE,
      { input: { organizationId: organization.id, name: " ", permissions: [] } },
      owner.token,
    );
    expect(blank.createRole.userErrors).toEqual([{ field: ["name"], code: "INVALID_INPUT", message: "name: must not be empty" }]);
    const unknown = await graphql(
      server,
      CREATE_ROLE,
      { input: { organizationId: organization.id, name: "Root", permissions: ["ROOT"] } },
      owner.token,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.[0].message).toContain('Value "ROOT" does not exist in "Permission" enum');
    expect(await rowCounts(server.databaseUrl, ["roles", "audit_entries"])).toEqual(before);
  });
});
