import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const SETTINGS = `query($id: ID!) { organization(id: $id) { settings { agreementText agreementVersion } } }`;
const UPDATE = `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { userErrors { code field message } } }`;

describe("the API agreement's text", () => {
  it("is published by an admin with `org:manage`, read by every member, and removed with null", async () => {
    const team = await keyTeam(server, "Agreement Motors");
    const developer = await team.addMember("Dev Reader", "Developer");
    const read = async (token: string) => (await graphqlData(server, SETTINGS, { id: team.organization.id }, token)).organization.settings;
    expect(await read(developer.token)).toEqual({ agreementText: null, agreementVersion: 1 });

    const terms = "Keys are for Agreement Motors' integrations only.\nNever share a secret by email.";
    await team.updateSettings({ agreementText: `  ${terms}  `, agreementVersion: 2 });
    expect(await read(developer.token)).toEqual({ agreementText: terms, agreementVersion: 2 });

    // A member without `org:manage` cannot change it.
    const refused = await graphqlData(
      server,
      UPDATE,
      { input: { id: team.organization.id, settings: { agreementText: "Mine now" } } },
      developer.token,
    );
    expect(refused.updateOrganization.userErrors[0].code).toBe("FORBIDDEN");
    expect((await read(team.owner.token)).agreementText).toBe(terms);

    await team.updateSettings({ agreementText: null });
    expect((await read(team.owner.token)).agreementText).toBeNull();
  });

  it("refuses an empty or over-long text with a field error, changing nothing", async () => {
    const team = await keyTeam(server, "Long Terms Motors");
    await team.updateSettings({ agreementText: "Short terms." });
    for (const agreementText of ["   ", "x".repeat(20_001)]) {
      const result = await graphqlData(
        server,
        UPDATE,
        { input: { id: team.organization.id, settings: { agreementText } } },
        team.owner.token,
      );
      expect(result.updateOrganization.userErrors).toEqual([
        expect.objectContaining({ code: "INVALID_INPUT", field: ["settings", "agreementText"] }),
      ]);
    }
    const { organization } = await graphqlData(server, SETTINGS, { id: team.organization.id }, team.owner.token);
    expect(organization.settings.agreementText).toBe("Short terms.");
  });
});
