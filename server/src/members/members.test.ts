import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../test/support/audit";
import { createOrganization, graphqlData, signUp } from "../../../test/support/graphql-client";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { rowCounts } from "../../../test/support/sql";

const ADD_MEMBER = `mutation($input: AddMemberInput!) {
  addMember(input: $input) { membership { id user { email } role { name } } userErrors { field message code } }
}`;
const CHANGE_ROLE = `mutation($input: ChangeMemberRoleInput!) {
  changeMemberRole(input: $input) { membership { role { name } } userErrors { field message code } }
}`;
const REMOVE_MEMBER = `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedMembershipId userErrors { field message code } } }`;
const ORG_VIEW = `query($id: ID!) { organization(id: $id) { name locations { totalCount } members { totalCount } } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** An organisation with an Owner, and a helper to add people with a built-in role. */
async function team() {
  const owner = await signUp(server, "Owner");
  const organization = await createOrganization(server, owner.token);
  const add = async (name: string, role: string, by = owner.token) => {
    const person = await signUp(server, name);
    const { addMember } = await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: person.email, roleId: organization.roles[role] } },
      by,
    );
    return { ...person, membershipId: addMember.membership?.id as string, result: addMember };
  };
  return { owner, organization, add };
}

describe("memberships", () => {
  it("adds a member who then sees the organisation with their role, as the Done-when query asks", async () => {
    const { organization, add } = await team();
    const developer = await add("Dev", "Developer");
    expect(developer.result.userErrors).toEqual([]);
    expect(developer.result.membership).toMatchObject({ user: { email: developer.email }, role: { name: "Developer" } });
    const { viewer } = await graphqlData(
      server,
      `{ viewer { memberships { organization { name locations { totalCount } } role { name permissions } } } }`,
      {},
      developer.token,
    );
    expect(viewer.memberships).toEqual([
      {
        organization: { name: "Acme Motors", locations: { totalCount: 0 } },
        role: { name: "Developer", permissions: ["ORG_READ", "KEYS_CREATE", "WEBHOOKS_MANAGE"] },
      },
    ]);
    const stranger = await signUp(server, "Stranger");
    const { organization: hidden } = await graphqlData(server, ORG_VIEW, { id: organization.id }, stranger.token);
    expect(hidden).toBeNull();
  });

  it("changes a member's role, and the new permissions apply at once", async () => {
    const { owner, organization, add } = await team();
    const viewer = await add("Viewer", "Viewer");
    const denied = await graphqlData(
      server,
      `mutation($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`,
      { input: { organizationId: organization.id, name: "X" } },
      viewer.token,
    );
    expect(denied.createLocation.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const { changeMemberRole } = await graphqlData(
      server,
      CHANGE_ROLE,
      { input: { membershipId: viewer.membershipId, roleId: organization.roles.Admin } },
      owner.token,
    );
    expect(changeMemberRole).toEqual({ membership: { role: { name: "Admin" } }, userErrors: [] });
    const allowed = await graphqlData(
      server,
      `mutation($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`,
      { input: { organizationId: organization.id, name: "X" } },
      viewer.token,
    );
    expect(allowed.createLocation.userErrors).toEqual([]);
    const log = await auditLog(server, owner.token, organization.id, { actions: ["MEMBER_ADDED", "MEMBER_ROLE_CHANGED"] });
    expect(log.nodes.map((entry) => [entry.action, entry.actor?.email])).toEqual([
      ["MEMBER_ROLE_CHANGED", owner.email],
      ["MEMBER_ADDED", owner.email],
    ]);
    expect(log.nodes[0].metadata).toMatchObject({ toRole: "Admin" });
  });

  it("lets a Viewer read but not manage members, and writes nothing when refused", async () => {
    const { organization, add } = await team();
    const viewer = await add("Viewer", "Viewer");
    const outsider = await signUp(server, "Outsider");
    const before = await rowCounts(server.databaseUrl, ["memberships", "audit_entries"]);
    const { addMember } = await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: outsider.email, roleId: organization.roles.Viewer } },
      viewer.token,
    );
    expect(addMember).toEqual({
      membership: null,
      userErrors: [{ field: null, code: "FORBIDDEN", message: "Your role does not grant `members:manage` in this organization." }],
    });
    const removal = await graphqlData(server, REMOVE_MEMBER, { input: { membershipId: organization.ownerMembershipId } }, viewer.token);
    expect(removal.removeMember.userErrors[0].code).toBe("FORBIDDEN");
    expect(await rowCounts(server.databaseUrl, ["memberships", "audit_entries"])).toEqual(before);
    const { organization: seen } = await graphqlData(server, ORG_VIEW, { id: organization.id }, viewer.token);
    expect(seen.members.totalCount).toBe(2);
  });

  it("keeps tenants apart: a member of A sees nothing of B and cannot act on it", async () => {
    const a = await team();
    const b = await team();
    const { organization: seen } = await graphqlData(server, ORG_VIEW, { id: b.organization.id }, a.owner.token);
    expect(seen).toBeNull();
    const { node } = await graphqlData(
      server,
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: b.organization.ownerMembershipId },
      a.owner.token,
    );
    expect(node).toBeNull();
    const before = await rowCounts(server.databaseUrl, ["memberships", "locations", "audit_entries"]);
    const attempts = await graphqlData(
      server,
      `mutation($org: ID!, $membership: ID!, $role: ID!) {
         createLocation(input: { organizationId: $org, name: "Intrusion" }) { userErrors { code message } }
         removeMember(input: { membershipId: $membership }) { userErrors { code message } }
         changeMemberRole(input: { membershipId: $membership, roleId: $role }) { userErrors { code message } }
       }`,
      { org: b.organization.id, membership: b.organization.ownerMembershipId, role: b.organization.roles.Viewer },
      a.owner.token,
    );
    expect(attempts.createLocation.userErrors).toEqual([{ code: "NOT_FOUND", message: "Organization not found." }]);
    expect(attempts.removeMember.userErrors).toEqual([{ code: "NOT_FOUND", message: "Membership not found." }]);
    expect(attempts.changeMemberRole.userErrors).toEqual([{ code: "NOT_FOUND", message: "Membership not found." }]);
    // A's own role IDs do not work in B either, and B's do not work in A.
    const crossRole = await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: a.organization.id, email: b.owner.email, roleId: b.organization.roles.Viewer } },
      a.owner.token,
    );
    expect(crossRole.addMember.userErrors).toEqual([{ field: ["roleId"], code: "NOT_FOUND", message: "Role not found." }]);
    expect(await rowCounts(server.databaseUrl, ["memberships", "locations", "audit_entries"])).toEqual(before);
    const viewerOfB = await graphqlData(server, `{ viewer { memberships { organization { id } } } }`, {}, a.owner.token);
    expect(viewerOfB.viewer.memberships).toEqual([{ organization: { id: a.organization.id } }]);
  });

  it("never leaves an organisation without an Owner", async () => {
    const { owner, organization, add } = await team();
    const demote = await graphqlData(
      server,
      CHANGE_ROLE,
      { input: { membershipId: organization.ownerMembershipId, roleId: organization.roles.Admin } },
      owner.token,
    );
    expect(demote.changeMemberRole.userErrors).toEqual([
      { field: ["membershipId"], code: "LAST_OWNER", message: "This is the organization's last Owner; appoint another Owner first." },
    ]);
    const leave = await graphqlData(server, REMOVE_MEMBER, { input: { membershipId: organization.ownerMembershipId } }, owner.token);
    expect(leave.removeMember.userErrors[0].code).toBe("LAST_OWNER");
    const coOwner = await add("Co-owner", "Owner");
    const leaveNow = await graphqlData(server, REMOVE_MEMBER, { input: { membershipId: organization.ownerMembershipId } }, owner.token);
    expect(leaveNow.removeMember.userErrors).toEqual([]);
    const { organization: after } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { members { nodes { user { email } role { name } } } } }`,
      { id: organization.id },
      coOwner.token,
    );
    expect(after.members.nodes).toEqual([{ user: { email: coOwner.email }, role: { name: "Owner" } }]);
  });

  it("stops an Admin from appointing Owners or removing one", async () => {
    const { organization, add } = await team();
    const admin = await add("Admin", "Admin");
    const promoted = await add("Hopeful", "Owner", admin.token);
    expect(promoted.result.userErrors).toEqual([
      { field: ["permissions"], code: "FORBIDDEN", message: "You cannot grant permissions you do not hold yourself: org:delete." },
    ]);
    const removeOwner = await graphqlData(server, REMOVE_MEMBER, { input: { membershipId: organization.ownerMembershipId } }, admin.token);
    expect(removeOwner.removeMember.userErrors[0].code).toBe("FORBIDDEN");
    const developer = await add("Developer", "Developer", admin.token);
    expect(developer.result.userErrors).toEqual([]);
  });

  it("refuses bad input: unknown email, duplicate member, malformed IDs", async () => {
    const { owner, organization, add } = await team();
    const member = await add("Member", "Viewer");
    const before = await rowCounts(server.databaseUrl, ["memberships", "audit_entries"]);
    const unknown = await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: "ghost@example.test", roleId: organization.roles.Viewer } },
      owner.token,
    );
    expect(unknown.addMember.userErrors).toEqual([
      { field: ["email"], code: "NOT_FOUND", message: "No Latchkey account uses this email; ask them to sign up first." },
    ]);
    const again = await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.id, email: member.email, roleId: organization.roles.Admin } },
      owner.token,
    );
    expect(again.addMember.userErrors).toEqual([
      { field: ["email"], code: "CONFLICT", message: "This person is already a member of the organization." },
    ]);
    const malformed = await graphqlData(
      server,
      ADD_MEMBER,
      { input: { organizationId: organization.roles.Viewer, email: "nope", roleId: "x" } },
      owner.token,
    );
    expect(malformed.addMember.userErrors.map((error: { field: string[] }) => error.field[0])).toEqual([
      "organizationId",
      "email",
      "roleId",
    ]);
    expect(await rowCounts(server.databaseUrl, ["memberships", "audit_entries"])).toEqual(before);
  });

  it("lets a member leave on their own", async () => {
    const { owner, organization, add } = await team();
    const member = await add("Leaver", "Viewer");
    const { removeMember } = await graphqlData(server, REMOVE_MEMBER, { input: { membershipId: member.membershipId } }, member.token);
    expect(removeMember.userErrors).toEqual([]);
    const { organization: gone } = await graphqlData(server, ORG_VIEW, { id: organization.id }, member.token);
    expect(gone).toBeNull();
    const [entry] = (await auditLog(server, owner.token, organization.id, { actions: ["MEMBER_REMOVED"] })).nodes;
    expect(entry).toMatchObject({ actor: { email: member.email }, metadata: { leftThemselves: true } });
  });
});
