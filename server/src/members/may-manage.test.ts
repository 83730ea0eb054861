import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization, graphqlData, signUp } from "../../../test/support/graphql-client";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { rowCounts } from "../../../test/support/sql";

const CREATE_ROLE = `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } userErrors { code } } }`;
const UPDATE_ROLE = `mutation($input: UpdateRoleInput!) { updateRole(input: $input) { role { name permissions } userErrors { field message code } } }`;
const DELETE_ROLE = `mutation($input: DeleteRoleInput!) { deleteRole(input: $input) { deletedRoleId userErrors { field message code } } }`;
const ADD_MEMBER = `mutation($input: AddMemberInput!) { addMember(input: $input) { membership { id } userErrors { code } } }`;
const CHANGE_ROLE = `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { userErrors { field message code } } }`;
const REMOVE_MEMBER = `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedMembershipId userErrors { field message code } } }`;
const MEMBERS_AND_ROLES = `query($id: ID!) {
  organization(id: $id) { members { nodes { user { email } role { name permissions } } } roles { nodes { name permissions } } }
}`;
const EVERYTHING = [
  "ORG_READ",
  "ORG_MANAGE",
  "ORG_DELETE",
  "LOCATIONS_MANAGE",
  "MEMBERS_MANAGE",
  "ROLES_MANAGE",
  "KEYS_CREATE",
  "KEYS_READ_ALL",
  "KEYS_REVEAL",
  "KEYS_MANAGE_ALL",
  "WEBHOOKS_MANAGE",
  "AUDIT_READ",
];
const TABLES = ["roles", "memberships", "audit_entries"];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** An Owner, a Co-owner (a custom role with every permission) and an Admin, who lacks `org:delete`. */
async function outrankedTeam() {
  const owner = await signUp(server, "Owner");
  const organization = await createOrganization(server, owner.token);
  const { createRole } = await graphqlData(
    server,
    CREATE_ROLE,
    { input: { organizationId: organization.id, name: "Co-owner", permissions: EVERYTHING } },
    owner.token,
  );
  const add = async (name: string, roleId: string) => {
    const person = await signUp(server, name);
    const { addMember } = await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: person.email, roleId } },
      owner.token,
    );
    expect(addMember.userErrors).toEqual([]);
    return { ...person, membershipId: addMember.membership.id as string };
  };
  const coOwner = await add("Co-owner", createRole.role.id);
  const admin = await add("Admin", organization.roles.Admin);
  const view = () => graphqlData(server, MEMBERS_AND_ROLES, { id: organization.id }, owner.token);
  return { owner, organization, coOwnerRoleId: createRole.role.id as string, coOwner, admin, add, view };
}

const OUTRANKED_ROLE = {
  field: ["id"],
  code: "FORBIDDEN",
  message: "Members who hold this role have permissions you do not (org:delete); you cannot change or delete it.",
};
const OUTRANKED_MEMBER = {
  field: ["membershipId"],
  code: "FORBIDDEN",
  message: "This member has permissions you do not (org:delete); you cannot change their role or remove them.",
};

describe("who may manage whom", () => {
  it("refuses the reported sequence: an Admin cannot demote the Co-owner's role, then remove them; nothing changes", async () => {
    const { organization, coOwnerRoleId, coOwner, admin, view } = await outrankedTeam();
    const before = { view: await view(), rows: await rowCounts(server.databaseUrl, TABLES) };

    const demote = await graphqlData(server, UPDATE_ROLE, { input: { id: coOwnerRoleId, permissions: [] } }, admin.token);
    expect(demote.updateRole).toEqual({ role: null, userErrors: [OUTRANKED_ROLE] });
    const rename = await graphqlData(server, UPDATE_ROLE, { input: { id: coOwnerRoleId, name: "Guest" } }, admin.token);
    expect(rename.updateRole.userErrors).toEqual([OUTRANKED_ROLE]);
    const remove = await graphqlData(server, REMOVE_MEMBER, { input: { membershipId: coOwner.membershipId } }, admin.token);
    expect(remove.removeMember).toEqual({ removedMembershipId: null, userErrors: [OUTRANKED_MEMBER] });
    const change = await graphqlData(
      server,
      CHANGE_ROLE,
      { input: { membershipId: coOwner.membershipId, roleId: organization.roles.Viewer } },
      admin.token,
    );
    expect(change.changeMemberRole.userErrors).toEqual([OUTRANKED_MEMBER]);
    const deletion = await graphqlData(server, DELETE_ROLE, { input: { id: coOwnerRoleId } }, admin.token);
    expect(deletion.deleteRole).toEqual({ deletedRoleId: null, userErrors: [OUTRANKED_ROLE] });

    expect({ view: await view(), rows: await rowCounts(server.databaseUrl, TABLES) }).toEqual(before);
  });

  it("refuses a role update that leaves the role with permissions the actor does not hold, even with nobody holding it", async () => {
    const { owner, organization, admin } = await outrankedTeam();
    const { createRole } = await graphqlData(
      server,
      CREATE_ROLE,
      { input: { organizationId: organization.id, name: "Deleter", permissions: ["ORG_DELETE"] } },
      owner.token,
    );
    const before = await rowCounts(server.databaseUrl, TABLES);
    const rename = await graphqlData(server, UPDATE_ROLE, { input: { id: createRole.role.id, name: "Harmless" } }, admin.token);
    expect(rename.updateRole.userErrors).toEqual([
      {
        field: ["id"],
        code: "FORBIDDEN",
        message: "This role has permissions you do not hold (org:delete); you can only narrow it to permissions you hold.",
      },
    ]);
    expect(await rowCounts(server.databaseUrl, TABLES)).toEqual(before);
  });

  it("lets an Admin manage roles and members within their own permissions", async () => {
    const { owner, organization, admin, add } = await outrankedTeam();
    const { createRole } = await graphqlData(
      server,
      CREATE_ROLE,
      { input: { organizationId: organization.id, name: "Auditor", permissions: ["AUDIT_READ"] } },
      owner.token,
    );
    const auditor = await add("Auditor", createRole.role.id);
    const widen = await graphqlData(
      server,
      UPDATE_ROLE,
      { input: { id: createRole.role.id, permissions: ["AUDIT_READ", "KEYS_READ_ALL"] } },
      admin.token,
    );
    expect(widen.updateRole).toEqual({
      role: { name: "Auditor", permissions: ["ORG_READ", "AUDIT_READ", "KEYS_READ_ALL"] },
      userErrors: [],
    });
    const removed = await graphqlData(server, REMOVE_MEMBER, { input: { membershipId: auditor.membershipId } }, admin.token);
    expect(removed.removeMember.userErrors).toEqual([]);
  });

  it("lets an Owner do it: demote the Co-owner's role, then remove them", async () => {
    const { owner, coOwnerRoleId, coOwner, view } = await outrankedTeam();
    const demote = await graphqlData(server, UPDATE_ROLE, { input: { id: coOwnerRoleId, permissions: [] } }, owner.token);
    expect(demote.updateRole).toEqual({ role: { name: "Co-owner", permissions: ["ORG_READ"] }, userErrors: [] });
    const remove = await graphqlData(server, REMOVE_MEMBER, { input: { membershipId: coOwner.membershipId } }, owner.token);
    expect(remove.removeMember).toEqual({ removedMembershipId: coOwner.membershipId, userErrors: [] });
    const { organization } = await view();
    expect(organization.members.nodes.map((member: { user: { email: string } }) => member.user.email)).not.toContain(coOwner.email);
  });
});
