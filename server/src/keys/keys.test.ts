import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../test/support/audit";
import { graphqlData } from "../../../test/support/graphql-client";
import { databaseId } from "../../../test/support/ids";
import { acceptAgreement, CONTACT, keyTeam } from "../../../test/support/keys";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { rowCounts, sql } from "../../../test/support/sql";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const SECRET_FORMAT = /^lk_(sk|kp|bk|cs)_[0-9A-Za-z]{49}$/;

describe("creating keys", () => {
  it("issues every kind, shows the secret once and lists it masked", async () => {
    const team = await keyTeam(server);
    const kinds = { SECRET: null, KEY_PAIR: /^lkak_/, BASIC: /^lkbu_/, OAUTH_CLIENT: /^lkci_/ } as const;
    for (const [kind, publicPattern] of Object.entries(kinds)) {
      const { secret, key } = await team.createKey({ name: `${kind} key`, kind });
      expect(secret).toMatch(SECRET_FORMAT);
      expect(key).toMatchObject({
        kind,
        state: "ACTIVE",
        scopes: ["ORG_READ"],
        contactName: CONTACT.name,
        mappedUser: { email: team.owner.email },
      });
      expect(key.maskedSecret).toBe(`${secret.slice(0, 6)}…${secret.slice(-4)}`);
      if (publicPattern) expect(key.publicId).toMatch(publicPattern);
      else expect(key.publicId).toBeNull();
    }
    const { organization } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { keys { totalCount nodes { kind maskedSecret } } } }`,
      { id: team.organization.id },
      team.owner.token,
    );
    expect(organization.keys.totalCount).toBe(4);
    expect(JSON.stringify(organization)).not.toMatch(SECRET_FORMAT);
  });

  it("never stores a secret in plaintext", async () => {
    const team = await keyTeam(server);
    const { secret } = await team.createKey({ name: "Plaintext check" });
    const dump = await sql(
      server.databaseUrl,
      "select (select json_agg(k) from api_keys k)::text || (select json_agg(s) from key_secrets s)::text || (select json_agg(e) from domain_events e)::text || (select json_agg(a) from audit_entries a)::text as everything",
    );
    expect(String(dump[0].everything)).not.toContain(secret);
    expect(String(dump[0].everything)).not.toContain(secret.slice(6, 40));
  });

  it("needs the current API agreement, accepted again when its version changes", async () => {
    const team = await keyTeam(server);
    await team.updateSettings({ agreementVersion: 2 });
    const before = await rowCounts(server.databaseUrl, ["api_keys", "key_secrets", "domain_events"]);
    const refused = await team.tryCreateKey();
    expect(refused.userErrors).toEqual([
      { field: null, code: "AGREEMENT_REQUIRED", message: "The API agreement changed (version 2); accept it again before creating keys." },
    ]);
    expect(refused.secret).toBeNull();
    expect(await rowCounts(server.databaseUrl, ["api_keys", "key_secrets", "domain_events"])).toEqual(before);
    const { acceptApiAgreement } = await graphqlData(
      server,
      `mutation($input: AcceptApiAgreementInput!) { acceptApiAgreement(input: $input) { organization { viewerApiAgreement { accepted acceptedVersion currentVersion } } userErrors { code } } }`,
      { input: { organizationId: team.organization.id } },
      team.owner.token,
    );
    expect(acceptApiAgreement.organization.viewerApiAgreement).toEqual({ accepted: true, acceptedVersion: 2, currentVersion: 2 });
    expect((await team.tryCreateKey()).userErrors).toEqual([]);
    const log = await auditLog(server, team.owner.token, team.organization.id, { actions: ["AGREEMENT_ACCEPTED"] });
    expect(log.nodes.map((entry) => entry.metadata.version)).toEqual([2, 1]);
  });

  it("lets non-admins create keys only while API access for non-admins is on (Crelate)", async () => {
    const team = await keyTeam(server);
    const developer = await team.addMember("Developer", "Developer");
    await acceptAgreement(server, developer.token, team.organization.id);
    expect((await team.tryCreateKey({ personal: true, contact: null }, developer.token)).userErrors[0].code).toBe("API_ACCESS_DISABLED");
    await team.updateSettings({ apiAccessForNonAdmins: true });
    const created = await team.tryCreateKey({ personal: true, contact: null }, developer.token);
    expect(created.userErrors).toEqual([]);
    expect(created.key).toMatchObject({ personal: true, mappedUser: { email: developer.email } });
    const viewer = await team.addMember("Viewer", "Viewer");
    expect((await team.tryCreateKey({}, viewer.token)).userErrors[0]).toMatchObject({ code: "FORBIDDEN" });
  });

  it("requires contact details for organisation keys but not personal ones (Claire)", async () => {
    const team = await keyTeam(server);
    const missing = await team.tryCreateKey({ contact: null });
    expect(missing.userErrors).toEqual([
      { field: ["contact"], code: "INVALID_INPUT", message: "contact: organization keys need a contact name, email and phone" },
    ]);
    const bad = await team.tryCreateKey({ contact: { name: "", email: "nope", phone: "call me" } });
    expect(bad.userErrors.map((error: { field: string[] }) => error.field.join("."))).toEqual([
      "contact.name",
      "contact.email",
      "contact.phone",
    ]);
    expect((await team.tryCreateKey({ personal: true, contact: null })).userErrors).toEqual([]);
  });

  it("applies the lifetime policy: a default expiry, and nothing beyond the limit", async () => {
    const team = await keyTeam(server);
    const { key } = await team.createKey();
    const days = (new Date(key.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(365.9);
    expect(days).toBeLessThanOrEqual(366);
    const tooLong = await team.tryCreateKey({ expiresAt: new Date(Date.now() + 400 * 86_400_000).toISOString() });
    expect(tooLong.userErrors).toEqual([
      { field: ["expiresAt"], code: "INVALID_INPUT", message: "expiresAt: this organization allows keys to live at most 366 days" },
    ]);
    const past = await team.tryCreateKey({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.userErrors[0]).toMatchObject({ field: ["expiresAt"], message: "expiresAt: must be in the future" });
    await team.updateSettings({ maxKeyLifetimeDays: null });
    const forever = await team.createKey({ name: "No expiry" });
    expect(forever.key.expiresAt).toBeNull();
  });

  it("maps a key to another member only with keys:manage:all, and never beyond that member's permissions", async () => {
    const team = await keyTeam(server);
    const viewer = await team.addMember("Mapped Viewer", "Viewer");
    const viewerId = (await graphqlData(server, `{ viewer { id } }`, {}, viewer.token)).viewer.id;
    const mapped = await team.createKey({ mappedUserId: viewerId });
    expect(mapped.key.mappedUser).toEqual({ email: viewer.email });
    const beyond = await team.tryCreateKey({ mappedUserId: viewerId, scopes: ["LOCATIONS_MANAGE"] });
    expect(beyond.userErrors).toEqual([
      { field: ["scopes"], code: "FORBIDDEN", message: "The mapped user does not hold locations:manage, so the key cannot either." },
    ]);
    const outsider = await keyTeam(server, "Elsewhere");
    const outsiderId = (await graphqlData(server, `{ viewer { id } }`, {}, outsider.owner.token)).viewer.id;
    expect((await team.tryCreateKey({ mappedUserId: outsiderId })).userErrors[0]).toMatchObject({
      code: "NOT_FOUND",
      field: ["mappedUserId"],
    });
  });

  it("refuses bad input with field errors and writes nothing", async () => {
    const team = await keyTeam(server);
    const before = await rowCounts(server.databaseUrl, ["api_keys", "key_secrets", "domain_events", "audit_entries"]);
    const result = await team.tryCreateKey({ name: " ", allowedCidrs: ["10.0.0.0/8", "not-an-address"], locationId: team.organization.id });
    expect(result.userErrors.map((error: { field: string[] }) => error.field.join("."))).toEqual(["locationId", "name", "allowedCidrs.1"]);
    expect(result.userErrors[2].message).toBe('allowedCidrs.1: "not-an-address" is not an IP address or CIDR block');
    expect(await rowCounts(server.databaseUrl, ["api_keys", "key_secrets", "domain_events", "audit_entries"])).toEqual(before);
  });

  it("writes an audit entry and a key.created event in the same transaction", async () => {
    const team = await keyTeam(server);
    const { key } = await team.createKey({ name: "Evented" });
    const [event] = await sql(server.databaseUrl, "select type, payload from domain_events where payload->>'keyId' = $1", [
      databaseId(key.id),
    ]);
    expect(event).toMatchObject({
      type: "key.created",
      payload: { keyId: databaseId(key.id), name: "Evented", kind: "SECRET", state: "ACTIVE" },
    });
    const [entry] = (await auditLog(server, team.owner.token, team.organization.id, { targetId: key.id })).nodes;
    expect(entry).toMatchObject({ action: "KEY_CREATED", actor: { email: team.owner.email } });
  });
});
