import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, graphqlData } from "../support/graphql-client";
import { acceptAgreement, keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";

/**
 * `viewerCan` is what clients offer; it must say yes exactly when the mutation would succeed. For a
 * table of actors and keys, each action is asked about and then tried, on a fresh key each time.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const VIEWER_CAN = `query($id: ID!) { node(id: $id) { ... on ApiKey { viewerCan { reveal copy rotate revoke disable enable approve update } } } }`;
const ORG_VIEWER_CAN = `query($id: ID!) { organization(id: $id) { viewerCan { createKey createKeyRefusal } } }`;

const MUTATIONS = {
  reveal: ["revealKeySecret", "RevealKeySecretInput", (id: string) => ({ id, reason: "Checking viewerCan" })],
  rotate: ["rotateKey", "RotateKeyInput", (id: string) => ({ id })],
  revoke: ["revokeKey", "RevokeKeyInput", (id: string) => ({ id, reason: "Checking viewerCan" })],
  disable: ["disableKey", "KeyIdInput", (id: string) => ({ id })],
  enable: ["enableKey", "KeyIdInput", (id: string) => ({ id })],
  approve: ["approveKey", "KeyIdInput", (id: string) => ({ id })],
  update: ["updateKey", "UpdateKeyInput", (id: string) => ({ id, name: "Renamed by viewerCan test" })],
} as const;
type Action = keyof typeof MUTATIONS;

async function succeeds(token: string, action: Action, keyId: string): Promise<boolean> {
  const [field, inputType, input] = MUTATIONS[action];
  const response = await graphql(
    server,
    `mutation($input: ${inputType}!) { ${field}(input: $input) { userErrors { code } } }`,
    { input: input(keyId) },
    token,
  );
  if (response.errors?.length) return false;
  return response.data?.[field]?.userErrors.length === 0;
}

describe("viewerCan answers as the mutations do", () => {
  it("for the owner, an admin, a developer and an ORG_READ key, on their own and others' keys, in every state", async () => {
    const team = await keyTeam(server, "Viewer Can Motors");
    await team.updateSettings({ apiAccessForNonAdmins: true });
    const admin = await team.addMember("Ada Admin", "Admin");
    const developer = await team.addMember("Dev Developer", "Developer");
    await acceptAgreement(server, admin.token, team.organization.id);
    await acceptAgreement(server, developer.token, team.organization.id);
    const readOnlyKey = await team.createKey({ name: "Read-only robot", scopes: ["ORG_READ"] });
    const actors = { owner: team.owner.token, admin: admin.token, developer: developer.token, orgReadKey: readOnlyKey.secret };
    const creators = { owner: team.owner.token, developer: developer.token };

    const rows: string[] = [];
    for (const [creatorName, creatorToken] of Object.entries(creators)) {
      for (const [actorName, actorToken] of Object.entries(actors)) {
        for (const action of Object.keys(MUTATIONS) as Action[]) {
          // Enable needs a disabled key; approve needs a pending one (a developer's, under approval).
          if (action === "approve") await team.updateSettings({ requireKeyApproval: true });
          const { key } = await team.createKey({ name: `${creatorName} ${action} for ${actorName}` }, creatorToken);
          if (action === "approve") await team.updateSettings({ requireKeyApproval: false });
          if (action === "enable") expect(await succeeds(team.owner.token, "disable", key.id)).toBe(true);

          const { data } = await graphql(server, VIEWER_CAN, { id: key.id }, actorToken);
          const viewerCan = data?.node?.viewerCan ?? null;
          const offered = viewerCan?.[action] ?? false;
          expect(viewerCan?.copy ?? false).toBe(viewerCan?.reveal ?? false);
          const done = await succeeds(actorToken, action, key.id);
          rows.push(`${actorName} ${action} ${creatorName}'s key: viewerCan ${offered}, mutation ${done}`);
          expect(offered, rows.at(-1)).toBe(done);
        }
      }
    }
    // The table is not vacuous: each actor may do something, and something is refused to each but the owner.
    const row = (text: string) => rows.find((candidate) => candidate.startsWith(text));
    expect(row("owner reveal developer's")).toContain("mutation true");
    expect(row("developer rotate owner's")).toContain("mutation false");
    expect(row("developer rotate developer's")).toContain("mutation true");
    expect(row("orgReadKey reveal owner's")).toContain("mutation false");
    expect(row("admin approve developer's")).toContain("mutation true");
    expect(row("developer approve developer's")).toContain("mutation false");
  });

  it("says an OAuth client's secret, and every secret of a SHOW_ONCE organisation, cannot be revealed", async () => {
    const team = await keyTeam(server, "Show Once Motors");
    const { key: oauth } = await team.createKey({ name: "OAuth client", kind: "OAUTH_CLIENT" });
    const { key: plain } = await team.createKey({ name: "Plain secret" });
    const reveal = async (id: string) => (await graphqlData(server, VIEWER_CAN, { id }, team.owner.token)).node.viewerCan.reveal;
    expect(await reveal(oauth.id)).toBe(false);
    expect(await succeeds(team.owner.token, "reveal", oauth.id)).toBe(false);
    expect(await reveal(plain.id)).toBe(true);
    await team.updateSettings({ revealPolicy: "SHOW_ONCE" });
    expect(await reveal(plain.id)).toBe(false);
    expect(await succeeds(team.owner.token, "reveal", plain.id)).toBe(false);
    // Secrets issued under SHOW_ONCE were never kept: switching back does not make them revealable.
    const { key: later } = await team.createKey({ name: "Issued under show-once" });
    await team.updateSettings({ revealPolicy: "REVEALABLE" });
    expect(await reveal(later.id)).toBe(false);
    expect(await succeeds(team.owner.token, "reveal", later.id)).toBe(false);
    expect(await reveal(plain.id)).toBe(true);
  });

  it("says who may create keys, and why not, as createKey decides", async () => {
    const team = await keyTeam(server, "Create Rules Motors");
    const developer = await team.addMember("Dora Developer", "Developer");
    const viewer = await team.addMember("Vic Viewer", "Viewer");
    await acceptAgreement(server, developer.token, team.organization.id);
    await acceptAgreement(server, viewer.token, team.organization.id);
    const readOnlyKey = await team.createKey({ name: "Read-only robot", scopes: ["ORG_READ"] });
    const actors = { owner: team.owner.token, developer: developer.token, viewer: viewer.token, orgReadKey: readOnlyKey.secret };
    for (const apiAccessForNonAdmins of [false, true]) {
      await team.updateSettings({ apiAccessForNonAdmins });
      for (const [name, token] of Object.entries(actors)) {
        const { organization } = await graphqlData(server, ORG_VIEWER_CAN, { id: team.organization.id }, token);
        const result = await team.tryCreateKey({ name: `${name} creates` }, token);
        const label = `${name} with apiAccessForNonAdmins ${apiAccessForNonAdmins}`;
        expect(organization.viewerCan.createKey, label).toBe(result.userErrors.length === 0);
        if (result.userErrors.length) expect(organization.viewerCan.createKeyRefusal, label).toBe(result.userErrors[0].message);
        else expect(organization.viewerCan.createKeyRefusal, label).toBeNull();
      }
    }
  });
});
