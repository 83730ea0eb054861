import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableFingerprints } from "../support/fingerprint";
import { graphql } from "../support/graphql-client";
import { CONTACT, keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { sql } from "../support/sql";
import { createEndpoint } from "../support/webhooks";

const logLines: string[] = [];
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: "error", WEBHOOK_ALLOWED_TARGETS: "127.0.0.1/32" }, undefined, {
    logDestination: { write: (line) => logLines.push(line) },
  });
});
afterAll(() => server?.stop());

/** Text PostgreSQL cannot store (NUL) or that is not Unicode at all (a lone UTF-16 surrogate). */
const UNSAFE = { nul: "bad\u0000name", loneSurrogate: "bad\ud800name", loneLowSurrogate: "\udc00" };

describe("text input", () => {
  it("refuses NUL and lone surrogates in every text field of a mutation as INVALID_INPUT, writing nothing", async () => {
    const team = await keyTeam(server, "Unsafe Text Dealer");
    const { key } = await team.createKey({ name: "Unsafe text target" });
    const organizationId = team.organization.id;
    const cases: Array<{ mutation: string; inputType: string; input: Record<string, unknown>; field: string[] }> = [];
    for (const unsafe of Object.values(UNSAFE)) {
      cases.push(
        {
          mutation: "signUp",
          inputType: "SignUpInput",
          input: { email: `x${unsafe}@example.test`, name: "N", password: "long enough password" },
          field: ["email"],
        },
        {
          mutation: "signUp",
          inputType: "SignUpInput",
          input: { email: "unsafe.name@example.test", name: unsafe, password: "long enough password" },
          field: ["name"],
        },
        { mutation: "createOrganization", inputType: "CreateOrganizationInput", input: { name: unsafe }, field: ["name"] },
        {
          mutation: "createLocation",
          inputType: "CreateLocationInput",
          input: { organizationId, name: "Depot", address: unsafe },
          field: ["address"],
        },
        {
          mutation: "createKey",
          inputType: "CreateKeyInput",
          input: { organizationId, name: unsafe, kind: "SECRET", contact: CONTACT },
          field: ["name"],
        },
        {
          mutation: "createKey",
          inputType: "CreateKeyInput",
          input: { organizationId, name: "K", kind: "SECRET", contact: { ...CONTACT, phone: unsafe } },
          field: ["contact", "phone"],
        },
        {
          mutation: "createKey",
          inputType: "CreateKeyInput",
          input: { organizationId, name: "K", kind: "SECRET", contact: CONTACT, allowedCidrs: ["10.0.0.0/8", unsafe] },
          field: ["allowedCidrs", "1"],
        },
        {
          mutation: "createRole",
          inputType: "CreateRoleInput",
          input: { organizationId, name: "R", description: unsafe, permissions: [] },
          field: ["description"],
        },
        {
          mutation: "updateOrganization",
          inputType: "UpdateOrganizationInput",
          input: { id: organizationId, name: unsafe },
          field: ["name"],
        },
        { mutation: "revokeKey", inputType: "RevokeKeyInput", input: { id: key.id, reason: unsafe }, field: ["reason"] },
        {
          mutation: "addMember",
          inputType: "AddMemberInput",
          input: { organizationId, email: unsafe, roleId: team.organization.roles.Viewer },
          field: ["email"],
        },
      );
    }
    cases.push({
      mutation: "signUp",
      inputType: "SignUpInput",
      input: { email: "unsafe.password@example.test", name: "N", password: `long enough ${UNSAFE.nul}` },
      field: ["password"],
    });

    const before = await tableFingerprints(server.databaseUrl);
    for (const { mutation, inputType, input, field } of cases) {
      const result = await graphql(
        server,
        `mutation($input: ${inputType}!) { ${mutation}(input: $input) { userErrors { field code message } } }`,
        { input },
        team.owner.token,
      );
      const label = `${mutation} ${JSON.stringify(input)}`;
      expect(result.errors, label).toBeUndefined();
      expect(result.data?.[mutation].userErrors, label).toEqual([
        { field, code: "INVALID_INPUT", message: `${field.join(".")}: must not contain NUL characters or unpaired surrogates` },
      ]);
    }
    expect(await tableFingerprints(server.databaseUrl)).toEqual(before);
  });

  it("refuses NUL in a query argument as BAD_USER_INPUT, not an internal error", async () => {
    const team = await keyTeam(server, "Unsafe Search Dealer");
    const result = await graphql(
      server,
      "query($id: ID!, $search: String) { organization(id: $id) { keys(search: $search) { totalCount } } }",
      { id: team.organization.id, search: UNSAFE.nul },
      team.owner.token,
    );
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    expect(result.errors?.[0].message).toBe("`search` must not contain NUL characters or unpaired surrogates.");
  });

  it("refuses a date outside years 1 to 9999 as INVALID_INPUT in a mutation and BAD_USER_INPUT in a query", async () => {
    const team = await keyTeam(server, "Unstorable Date Dealer");
    // 127.0.0.1 and no job queue in this file: nothing is ever delivered.
    const { endpoint } = await createEndpoint(server, team.owner.token, {
      organizationId: team.organization.id,
      url: "http://127.0.0.1:9/hook",
    });
    const before = await tableFingerprints(server.databaseUrl);
    for (const since of ["0000-01-01T00:00:00Z", "0000-12-31T23:59:59Z"]) {
      const result = await graphql(
        server,
        `mutation($input: RecoverWebhookMessagesInput!) { recoverWebhookMessages(input: $input) { userErrors { field code message } } }`,
        { input: { id: endpoint?.id, since } },
        team.owner.token,
      );
      expect(result.data?.recoverWebhookMessages.userErrors, since).toEqual([
        { field: ["since"], code: "INVALID_INPUT", message: "since: must be between 0001-01-01 and 9999-12-31" },
      ]);
    }
    expect(await tableFingerprints(server.databaseUrl)).toEqual(before);
    const audit = await graphql(
      server,
      'query($id: ID!) { organization(id: $id) { auditLog(since: "0000-01-01T00:00:00Z") { totalCount } } }',
      { id: team.organization.id },
      team.owner.token,
    );
    expect(audit.errors?.map((error) => [error.extensions?.code, error.message])).toEqual([
      ["BAD_USER_INPUT", "`since` must be between 0001-01-01 and 9999-12-31."],
    ]);
  });

  it("logs a database error without its SQL statement or any of its values", async () => {
    // A fault injected for this test only: every insert into users fails inside PostgreSQL.
    await sql(
      server.databaseUrl,
      `create function refuse_users() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$;
       create trigger refuse_users before insert on users for each row execute function refuse_users();`,
    );
    try {
      logLines.length = 0;
      const result = await graphql(server, `mutation($input: SignUpInput!) { signUp(input: $input) { token userErrors { code } } }`, {
        input: { email: "marker.email@example.test", name: "Marker Name", password: "marker password 123" },
      });
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(["INTERNAL_SERVER_ERROR"]);
      const log = logLines.join("");
      expect(log).toContain("unexpected GraphQL error");
      expect(log).toContain("P0001");
      for (const leaked of ["marker.email", "Marker Name", "marker password", "$argon2", "insert into"]) {
        expect(log, leaked).not.toContain(leaked);
      }
    } finally {
      await sql(server.databaseUrl, "drop trigger refuse_users on users; drop function refuse_users();");
    }
  });
});
