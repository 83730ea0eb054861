import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import { logCapture, setOrganizationExternalId, trustedIssuers } from "../support/federation";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { databaseId } from "../support/ids";
import { metricValue } from "../support/metrics";
import { startOidcProvider, type TestIdentityProvider } from "../support/oidc-provider";
import { startTestServer, type TestServer } from "../support/server";
import { rowCounts } from "../support/sql";

const MEMBERSHIPS = `{ viewer { id memberships { organization { id name } role { name } } } }`;

let idp: TestIdentityProvider;
let server: TestServer;
const log = logCapture();
let host: Awaited<ReturnType<typeof signUp>>;
let acme: Awaited<ReturnType<typeof createOrganization>>;
let globex: Awaited<ReturnType<typeof createOrganization>>;
let counter = 0;

beforeAll(async () => {
  idp = await startOidcProvider();
  server = await startTestServer(
    { AUTH_ISSUERS: trustedIssuers([idp, { claims: { memberships: "tenants" } }]), LOG_LEVEL: "info" },
    undefined,
    { logDestination: log.destination },
  );
  // The host's tenants, as its backend would provision them: organisations with the host's IDs.
  host = await signUp(server, "Host Admin");
  acme = await createOrganization(server, host.token, "Acme Motors");
  globex = await createOrganization(server, host.token, "Globex");
  await setOrganizationExternalId(server, acme.id, "acme");
  await setOrganizationExternalId(server, globex.id, "globex");
  const role = await graphqlData(
    server,
    `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } userErrors { code } } }`,
    { input: { organizationId: globex.id, name: "Auditor", permissions: ["ORG_READ", "AUDIT_READ"] } },
    host.token,
  );
  expect(role.createRole.userErrors).toEqual([]);
});
afterAll(() => Promise.all([server?.stop(), idp?.stop()]));

/** A new person at the provider; `as(claim)` signs them in with that membership claim and returns what they see. */
function federatedPerson() {
  counter += 1;
  const subject = `member-${counter}`;
  const email = `member.${counter}@host.test`;
  return {
    email,
    async token(tenants: unknown) {
      return idp.accessToken(subject, { email, name: `Member ${counter}`, ...(tenants === undefined ? {} : { tenants }) });
    },
    async as(tenants: unknown) {
      const { viewer } = await graphqlData(server, MEMBERSHIPS, {}, await this.token(tenants));
      return viewer as { id: string; memberships: Array<{ organization: { id: string; name: string }; role: { name: string } }> };
    },
  };
}

function roles(viewer: Awaited<ReturnType<ReturnType<typeof federatedPerson>["as"]>>) {
  return Object.fromEntries(viewer.memberships.map((membership) => [membership.organization.name, membership.role.name]));
}

describe("membership claims", () => {
  it("add, change and remove memberships in the organisations they name by external ID", async () => {
    const person = federatedPerson();
    const { id } = await person.as({ acme: "Developer" });
    expect(roles(await person.as({ acme: "Developer" }))).toEqual({ "Acme Motors": "Developer" });
    expect(roles(await person.as({ acme: "Viewer", globex: "Auditor" }))).toEqual({ "Acme Motors": "Viewer", Globex: "Auditor" });
    expect(roles(await person.as({ globex: "Auditor" }))).toEqual({ Globex: "Auditor" });

    // Each change went through the member events, made by the system for the issuer: the audit log shows them, newest first.
    const acmeLog = await auditLog(server, host.token, acme.id, { actions: ["MEMBER_ADDED", "MEMBER_ROLE_CHANGED", "MEMBER_REMOVED"] });
    const theirs = acmeLog.nodes.filter((entry) => entry.metadata.userId === databaseId(id));
    expect(theirs.map((entry) => [entry.action, entry.metadata.claimedBy, entry.actor])).toEqual([
      ["MEMBER_REMOVED", idp.issuer, null],
      ["MEMBER_ROLE_CHANGED", idp.issuer, null],
      ["MEMBER_ADDED", idp.issuer, null],
    ]);
  });

  it("read the list form too: [{ organization, role }]", async () => {
    const person = federatedPerson();
    const viewer = await person.as([
      { organization: "acme", role: "Admin" },
      { organization: "globex", role: "viewer" },
    ]);
    expect(roles(viewer)).toEqual({ "Acme Motors": "Admin", Globex: "Viewer" });
  });

  it("skip an unknown organisation or role with a warning, applying the rest", async () => {
    const person = federatedPerson();
    const viewer = await person.as({ acme: "Developer", initech: "Developer", globex: "Emperor" });
    expect(roles(viewer)).toEqual({ "Acme Motors": "Developer" });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ msg: expect.stringContaining("unknown organisation"), organization: "initech" }),
    );
    expect(log.lines).toContainEqual(
      expect.objectContaining({ msg: expect.stringContaining("unknown role"), organization: "globex", role: "Emperor" }),
    );
  });

  it("never touch memberships in organisations without an external ID (made in Latchkey itself)", async () => {
    const person = federatedPerson();
    const token = await person.token({ acme: "Developer" });
    const own = await createOrganization(server, token, "Side Project");
    const viewer = await person.as({});
    expect(viewer.memberships).toEqual([{ organization: { id: own.id, name: "Side Project" }, role: { name: "Owner" } }]);
  });

  it("leave memberships alone when the token carries no membership claim", async () => {
    const person = federatedPerson();
    await person.as({ acme: "Viewer" });
    expect(roles(await person.as(undefined))).toEqual({ "Acme Motors": "Viewer" });
  });

  it("are applied once: the same claim again writes nothing and asks the database nothing about identity", async () => {
    const person = federatedPerson();
    const token = await person.token({ acme: "Developer", globex: "Viewer" });
    await graphqlData(server, `{ viewer { id } }`, {}, token);
    const session = await signUp(server, "Steady Session");

    const tables = ["users", "user_identities", "memberships", "audit_entries", "domain_events"];
    const rowsBefore = await rowCounts(server.databaseUrl, tables);
    const statements = async (bearer: string) => {
      const before = await metricValue(server, "latchkey_db_statements_total");
      await graphqlData(server, `{ viewer { id } }`, {}, bearer);
      return (await metricValue(server, "latchkey_db_statements_total")) - before;
    };
    const federated = await statements(await person.token({ acme: "Developer", globex: "Viewer" }));
    const bySession = await statements(session.token);
    // A session costs its one lookup; a known federated identity costs none.
    expect(federated).toBe(bySession - 1);
    expect(await rowCounts(server.databaseUrl, tables)).toEqual(rowsBefore);
  });
});
