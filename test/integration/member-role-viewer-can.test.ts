import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, graphqlData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";

/**
 * `viewerCan` on memberships and roles is what `<latchkey-members>` and `<latchkey-roles>` offer; it
 * must say yes exactly when the mutation is not refused for lack of rights. Each answer is asked,
 * then the mutation tried. Keeping an Owner is not a right: a LAST_OWNER refusal counts as allowed.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const MEMBERS = `query($id: ID!) { organization(id: $id) {
  members(first: 100) { nodes { id user { name } role { id } viewerCan { changeRole remove } } }
} }`;
const ROLES = `query($id: ID!) { organization(id: $id) {
  viewerPermissions
  roles(first: 100) { nodes { id name permissions holderCount viewerCan { update delete } } }
} }`;
const CREATE_ROLE = `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } userErrors { message } } }`;
const ASSIGN = `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { userErrors { code message } } }`;

type Member = { id: string; user: { name: string }; role: { id: string }; viewerCan: { changeRole: boolean; remove: boolean } };
type Role = { id: string; name: string; permissions: string[]; holderCount: number; viewerCan: { update: boolean; delete: boolean } };

/** An organisation with two Owners, an Admin, a Developer, a Viewer, a key scoped to managing members, and three custom roles. */
async function world(name: string) {
  const team = await keyTeam(server, name);
  const roles = team.organization.roles;
  await team.addMember("Second Owner", "Owner");
  const admin = await team.addMember("Ada Admin", "Admin");
  const developer = await team.addMember("Dev Developer", "Developer");
  const viewer = await team.addMember("Vic Viewer", "Viewer");
  const support = await team.addMember("Sam Support", "Viewer");
  const membersKey = await team.createKey({ name: "Member robot", scopes: ["ORG_READ", "MEMBERS_MANAGE", "ROLES_MANAGE"] });
  const custom: Record<string, string> = {};
  for (const [roleName, permissions] of [
    ["Auditor", ["AUDIT_READ"]],
    ["Support", ["KEYS_READ_ALL"]],
    ["Deleter", ["ORG_DELETE"]],
  ] as const) {
    const { createRole } = await graphqlData(
      server,
      CREATE_ROLE,
      { input: { organizationId: team.organization.id, name: roleName, permissions } },
      team.owner.token,
    );
    custom[roleName] = createRole.role.id;
  }
  const assigned = await graphqlData(
    server,
    ASSIGN,
    { input: { membershipId: support.membershipId, roleId: custom.Support } },
    team.owner.token,
  );
  expect(assigned.changeMemberRole.userErrors).toEqual([]);
  const actors: Record<string, string> = {
    owner: team.owner.token,
    admin: admin.token,
    developer: developer.token,
    viewer: viewer.token,
    membersKey: membersKey.secret,
  };
  return { team, actors, roles, custom };
}

/** Not refused, or refused only to keep an Owner. */
function allowed(response: { errors?: unknown[]; data?: Record<string, { userErrors: Array<{ code: string }> }> | null }, field: string) {
  if (response.errors?.length) return false;
  const errors = response.data?.[field]?.userErrors ?? [];
  return errors.every((error) => error.code === "LAST_OWNER");
}

describe("viewerCan on memberships and roles answers as the mutations do", () => {
  it("for changing a member's role and removing them, by owners, admins, developers, viewers and a scoped key", async () => {
    const rows: string[] = [];
    for (const actor of ["owner", "admin", "developer", "viewer", "membersKey"]) {
      const { team, actors } = await world(`Members ${actor} Motors`);
      const token = actors[actor] ?? "";
      const listed = async () =>
        (await graphqlData(server, MEMBERS, { id: team.organization.id }, token)).organization.members.nodes as Member[];
      // Everyone else first, then the actor's own membership (leaving), so removals never hide a later case.
      const self = { owner: `Members ${actor} Motors Owner`, admin: "Ada Admin", developer: "Dev Developer", viewer: "Vic Viewer" }[actor];
      const targets = (await listed()).sort((a, b) => Number(a.user.name === self) - Number(b.user.name === self));
      for (const { id, user } of targets) {
        const member = (await listed()).find((candidate) => candidate.id === id);
        if (!member) continue;
        const sameRole = await graphql(server, ASSIGN, { input: { membershipId: id, roleId: member.role.id } }, token);
        rows.push(
          `${actor} changes ${user.name}'s role: viewerCan ${member.viewerCan.changeRole}, mutation ${allowed(sameRole, "changeMemberRole")}`,
        );
        expect(member.viewerCan.changeRole, rows.at(-1)).toBe(allowed(sameRole, "changeMemberRole"));
        const removal = await graphql(
          server,
          `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { userErrors { code message } } }`,
          { input: { membershipId: id } },
          token,
        );
        rows.push(`${actor} removes ${user.name}: viewerCan ${member.viewerCan.remove}, mutation ${allowed(removal, "removeMember")}`);
        expect(member.viewerCan.remove, rows.at(-1)).toBe(allowed(removal, "removeMember"));
      }
    }
    const row = (text: string) => rows.find((candidate) => candidate.startsWith(text));
    expect(row("admin removes Members admin Motors Owner")).toContain("mutation false");
    expect(row("admin removes Vic Viewer")).toContain("mutation true");
    expect(row("viewer removes Vic Viewer")).toContain("mutation true");
    expect(row("viewer removes Dev Developer")).toContain("mutation false");
    expect(row("membersKey removes Vic Viewer")).toContain("mutation true");
    expect(row("membersKey removes Dev Developer")).toContain("mutation false");
  });

  it("for editing and deleting built-in, free, held and outranking roles", async () => {
    const rows: string[] = [];
    const check = async (actor: string, token: string, organizationId: string, action: "update" | "delete") => {
      const { organization } = await graphqlData(server, ROLES, { id: organizationId }, token);
      const held = new Set(organization.viewerPermissions as string[]);
      for (const role of organization.roles.nodes as Role[]) {
        // An edit a client would send: the role's permissions, less any the actor cannot grant (narrowing an outranking role).
        const response =
          action === "update"
            ? await graphql(
                server,
                `mutation($input: UpdateRoleInput!) { updateRole(input: $input) { userErrors { code message } } }`,
                { input: { id: role.id, permissions: role.permissions.filter((permission) => held.has(permission)) } },
                token,
              )
            : await graphql(
                server,
                `mutation($input: DeleteRoleInput!) { deleteRole(input: $input) { userErrors { code message } } }`,
                { input: { id: role.id } },
                token,
              );
        const done = allowed(response, `${action}Role`);
        rows.push(`${actor} ${action}s ${role.name} (held by ${role.holderCount}): viewerCan ${role.viewerCan[action]}, mutation ${done}`);
        expect(role.viewerCan[action], rows.at(-1)).toBe(done);
      }
    };
    // Each world sees one actor succeed at most once per role: refusals change nothing.
    const edits = await world("Role Edits Motors");
    for (const actor of ["developer", "viewer", "membersKey", "owner", "admin"]) {
      await check(actor, edits.actors[actor] ?? "", edits.team.organization.id, "update");
    }
    const deletions = await world("Role Deletions Motors");
    for (const actor of ["developer", "viewer", "membersKey", "admin"]) {
      await check(actor, deletions.actors[actor] ?? "", deletions.team.organization.id, "delete");
    }
    const ownerDeletions = await world("Owner Deletions Motors");
    await check("owner", ownerDeletions.actors.owner ?? "", ownerDeletions.team.organization.id, "delete");

    const row = (text: string) => rows.find((candidate) => candidate.startsWith(text));
    expect(row("owner deletes Support (held by 1)")).toContain("mutation false");
    expect(row("owner deletes Auditor (held by 0)")).toContain("mutation true");
    expect(row("owner updates Viewer")).toContain("mutation false");
    expect(row("admin updates Deleter (held by 0)")).toContain("mutation true");
    expect(row("membersKey deletes Deleter (held by 0)")).toContain("mutation true");
    expect(row("admin deletes Support (held by 1)")).toContain("mutation false");
    expect(row("developer updates Auditor")).toContain("mutation false");
  });
});

describe("the permission catalogue", () => {
  it("lists every permission once, in the enum's order, with the words the enum's own description uses", async () => {
    const team = await keyTeam(server, "Catalogue Motors");
    const data = await graphqlData(
      server,
      `{ permissionCatalogue { permission value description } __type(name: "Permission") { enumValues { name description } } }`,
      {},
      team.owner.token,
    );
    const catalogue = data.permissionCatalogue as Array<{ permission: string; value: string; description: string }>;
    const enumValues = data.__type.enumValues as Array<{ name: string; description: string }>;
    expect(catalogue.map((entry) => entry.permission)).toEqual(enumValues.map((value) => value.name));
    for (const [index, entry] of catalogue.entries()) {
      const words = `${entry.description.charAt(0).toLowerCase()}${entry.description.slice(1)}`;
      expect(enumValues[index]?.description).toBe(`\`${entry.value}\`: ${words}`);
    }
    expect(catalogue.find((entry) => entry.permission === "KEYS_REVEAL")).toEqual({
      permission: "KEYS_REVEAL",
      value: "keys:reveal",
      description: "Reveal the secret of any revealable key, with a logged reason.",
    });
  });
});
