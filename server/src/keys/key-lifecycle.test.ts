import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../test/support/audit";
import { graphqlData } from "../../../test/support/graphql-client";
import { databaseId } from "../../../test/support/ids";
import { acceptAgreement, graphqlWithHeaders, keyTeam } from "../../../test/support/keys";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { rowCounts, sql } from "../../../test/support/sql";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const REVEAL = `mutation($input: RevealKeySecretInput!) { revealKeySecret(input: $input) { secret key { id } userErrors { field code message } } }`;
const ROTATE = `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { secret key { name scopes maskedSecret } userErrors { field code message } } }`;
const REVOKE = `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { key { state revokedReason revokedAt } userErrors { field code message } } }`;
const WHO = `{ viewer { email } }`;

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe("revealing a secret", () => {
  it("shows it again for a logged reason (Claire)", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey();
    const { revealKeySecret } = await graphqlData(
      server,
      REVEAL,
      { input: { id: key.id, reason: "Configuring the CRM connector" } },
      team.owner.token,
    );
    expect(revealKeySecret).toEqual({ secret, key: { id: key.id }, userErrors: [] });
    const [entry] = (await auditLog(server, team.owner.token, team.organization.id, { actions: ["KEY_REVEALED"] })).nodes;
    expect(entry).toMatchObject({ targetId: key.id, reason: "Configuring the CRM connector", actor: { email: team.owner.email } });
    const [event] = await sql(server.databaseUrl, "select type from domain_events where type = 'key.revealed'");
    expect(event).toBeDefined();
  });

  it("refuses without a reason, and writes nothing", async () => {
    const team = await keyTeam(server);
    const { key } = await team.createKey();
    const before = await rowCounts(server.databaseUrl, ["audit_entries", "domain_events"]);
    const { revealKeySecret } = await graphqlData(server, REVEAL, { input: { id: key.id, reason: "   " } }, team.owner.token);
    expect(revealKeySecret).toEqual({
      secret: null,
      key: null,
      userErrors: [{ field: ["reason"], code: "INVALID_INPUT", message: "reason: must not be empty: say why" }],
    });
    expect(await rowCounts(server.databaseUrl, ["audit_entries", "domain_events"])).toEqual(before);
  });

  it("never shows OAuth client secrets or SHOW_ONCE organisations' secrets again (ClaimXperience)", async () => {
    const team = await keyTeam(server);
    const oauth = await team.createKey({ kind: "OAUTH_CLIENT" });
    const refusal = await graphqlData(server, REVEAL, { input: { id: oauth.key.id, reason: "lost it" } }, team.owner.token);
    expect(refusal.revealKeySecret.userErrors[0].code).toBe("REVEAL_NOT_ALLOWED");
    await team.updateSettings({ revealPolicy: "SHOW_ONCE" });
    const once = await team.createKey({ kind: "SECRET" });
    const [row] = await sql(
      server.databaseUrl,
      "select sealed from key_secrets where key_id = (select id from api_keys where masked_secret = $1)",
      [once.key.maskedSecret],
    );
    expect(row.sealed).toBeNull();
    const again = await graphqlData(server, REVEAL, { input: { id: once.key.id, reason: "lost it" } }, team.owner.token);
    expect(again.revealKeySecret.userErrors[0]).toMatchObject({ code: "REVEAL_NOT_ALLOWED" });
  });

  it("needs keys:reveal for someone else's key; other members cannot even see it", async () => {
    const team = await keyTeam(server);
    const { key } = await team.createKey();
    const developer = await team.addMember("Developer", "Developer");
    const hidden = await graphqlData(server, REVEAL, { input: { id: key.id, reason: "curious" } }, developer.token);
    expect(hidden.revealKeySecret.userErrors).toEqual([{ field: ["id"], code: "NOT_FOUND", message: "Key not found." }]);
    const { createRole } = await graphqlData(
      server,
      `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } } }`,
      { input: { organizationId: team.organization.id, name: "Key reader", permissions: ["KEYS_READ_ALL"] } },
      team.owner.token,
    );
    await graphqlData(
      server,
      `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { userErrors { code } } }`,
      { input: { membershipId: developer.membershipId, roleId: createRole.role.id } },
      team.owner.token,
    );
    const forbidden = await graphqlData(server, REVEAL, { input: { id: key.id, reason: "curious" } }, developer.token);
    expect(forbidden.revealKeySecret.userErrors[0].code).toBe("FORBIDDEN");
  });
});

describe("rotating, revoking, disabling, approving, deleting", () => {
  it("rotates to a new secret that keeps name and scopes; the old one stops at once", async () => {
    const team = await keyTeam(server);
    const { key, secret: old } = await team.createKey({ name: "Rotated", scopes: ["AUDIT_READ"] });
    const { rotateKey } = await graphqlData(server, ROTATE, { input: { id: key.id } }, team.owner.token);
    expect(rotateKey.key).toMatchObject({ name: "Rotated", scopes: ["ORG_READ", "AUDIT_READ"] });
    expect(rotateKey.secret).not.toBe(old);
    expect((await graphqlWithHeaders(server, WHO, bearer(rotateKey.secret))).data).toEqual({ viewer: { email: team.owner.email } });
    expect((await graphqlWithHeaders(server, WHO, bearer(old))).status).toBe(401);
  });

  it("keeps the old secret working through a grace period, at most 7 days", async () => {
    const team = await keyTeam(server);
    const { key, secret: old } = await team.createKey();
    const tooLong = await graphqlData(server, ROTATE, { input: { id: key.id, gracePeriodHours: 169 } }, team.owner.token);
    expect(tooLong.rotateKey.userErrors).toEqual([
      { field: ["gracePeriodHours"], code: "INVALID_INPUT", message: "gracePeriodHours: must be at most 168 hours (7 days)" },
    ]);
    const { rotateKey } = await graphqlData(server, ROTATE, { input: { id: key.id, gracePeriodHours: 24 } }, team.owner.token);
    expect((await graphqlWithHeaders(server, WHO, bearer(old))).status).toBe(200);
    expect((await graphqlWithHeaders(server, WHO, bearer(rotateKey.secret))).status).toBe(200);
    // A second rotation ends the first grace period at once: only one old secret ever lives on.
    const second = await graphqlData(server, ROTATE, { input: { id: key.id, gracePeriodHours: 24 } }, team.owner.token);
    expect((await graphqlWithHeaders(server, WHO, bearer(old))).status).toBe(401);
    expect((await graphqlWithHeaders(server, WHO, bearer(rotateKey.secret))).status).toBe(200);
    expect((await graphqlWithHeaders(server, WHO, bearer(second.rotateKey.secret))).status).toBe(200);
  });

  it("serialises concurrent changes to one key: three rotations leave one current secret and one in grace", async () => {
    const team = await keyTeam(server);
    const { key } = await team.createKey({ name: "Raced" });
    const results = await Promise.all(
      [1, 2, 3].map(() => graphqlData(server, ROTATE, { input: { id: key.id, gracePeriodHours: 1 } }, team.owner.token)),
    );
    // Each rotation supersedes before it inserts, so none trips the one-current-secret index.
    expect(results.map((result) => result.rotateKey.userErrors)).toEqual([[], [], []]);
    const current = await sql(
      server.databaseUrl,
      "select count(*)::int as count from key_secrets where key_id = (select key_id from key_secrets s join api_keys k on k.id = s.key_id where k.name = 'Raced' limit 1) and expires_at is null",
    );
    expect(current[0].count).toBe(1);
    // The last rotation's secret is current, the one before it is in its grace period, the first ended.
    const statuses = await Promise.all(
      results.map(async (result) => (await graphqlWithHeaders(server, WHO, bearer(result.rotateKey.secret))).status),
    );
    expect(statuses.sort()).toEqual([200, 200, 401]);
  });

  it("has the database refuse a second current secret for a key, though superseded ones may pile up", async () => {
    const team = await keyTeam(server);
    const { key } = await team.createKey();
    const keyId = databaseId(key.id);
    const insertSecret = (expiresAt: string | null) =>
      sql(
        server.databaseUrl,
        "insert into key_secrets (id, key_id, digest, created_at, expires_at) values (gen_random_uuid(), $1, $2, now(), $3)",
        [keyId, `forged-${Math.random()}`, expiresAt],
      );
    await expect(insertSecret(null)).rejects.toMatchObject({ code: "23505", constraint: "key_secrets_current_unique" });
    await insertSecret(new Date().toISOString());
    await insertSecret(new Date().toISOString());
    const [{ current }] = await sql<{ current: number }>(
      server.databaseUrl,
      "select count(*) filter (where expires_at is null)::int as current from key_secrets where key_id = $1",
      [keyId],
    );
    expect(current).toBe(1);
  });

  it("revokes with a reason; the key stops working and cannot come back", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey();
    const noReason = await graphqlData(server, REVOKE, { input: { id: key.id, reason: "" } }, team.owner.token);
    expect(noReason.revokeKey.userErrors[0]).toMatchObject({ field: ["reason"], code: "INVALID_INPUT" });
    const { revokeKey } = await graphqlData(server, REVOKE, { input: { id: key.id, reason: "Contractor left" } }, team.owner.token);
    expect(revokeKey.key).toMatchObject({ state: "REVOKED", revokedReason: "Contractor left" });
    expect((await graphqlWithHeaders(server, WHO, bearer(secret))).status).toBe(401);
    const enable = await graphqlData(
      server,
      `mutation($input: KeyIdInput!) { enableKey(input: $input) { userErrors { code } } }`,
      { input: { id: key.id } },
      team.owner.token,
    );
    expect(enable.enableKey.userErrors).toEqual([{ code: "KEY_REVOKED" }]);
    const [entry] = (await auditLog(server, team.owner.token, team.organization.id, { actions: ["KEY_REVOKED"] })).nodes;
    expect(entry.reason).toBe("Contractor left");
  });

  it("disables and re-enables a key without deleting it", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey();
    const toggle = (mutation: string) =>
      graphqlData(
        server,
        `mutation($input: KeyIdInput!) { ${mutation}(input: $input) { key { state } userErrors { code } } }`,
        { input: { id: key.id } },
        team.owner.token,
      );
    expect((await toggle("disableKey")).disableKey.key.state).toBe("DISABLED");
    expect((await graphqlWithHeaders(server, WHO, bearer(secret))).status).toBe(401);
    expect((await toggle("enableKey")).enableKey.key.state).toBe("ACTIVE");
    expect((await graphqlWithHeaders(server, WHO, bearer(secret))).status).toBe(200);
  });

  it("holds non-admins' keys for approval when the organisation asks for it", async () => {
    const team = await keyTeam(server);
    await team.updateSettings({ requireKeyApproval: true, apiAccessForNonAdmins: true });
    const developer = await team.addMember("Developer", "Developer");
    await acceptAgreement(server, developer.token, team.organization.id);
    const { key, secret } = await team.createKey({ personal: true, contact: null }, developer.token);
    expect(key.state).toBe("PENDING");
    expect((await graphqlWithHeaders(server, WHO, bearer(secret))).status).toBe(401);
    const APPROVE = `mutation($input: KeyIdInput!) { approveKey(input: $input) { key { state } userErrors { code } } }`;
    expect((await graphqlData(server, APPROVE, { input: { id: key.id } }, developer.token)).approveKey.userErrors).toEqual([
      { code: "FORBIDDEN" },
    ]);
    expect((await graphqlData(server, APPROVE, { input: { id: key.id } }, team.owner.token)).approveKey.key.state).toBe("ACTIVE");
    expect((await graphqlWithHeaders(server, WHO, bearer(secret))).data).toEqual({ viewer: { email: developer.email } });
    expect((await team.createKey({ name: "Admin key" })).key.state).toBe("ACTIVE");
  });

  it("updates and deletes, each step audited with an event", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ name: "Before" });
    const { updateKey } = await graphqlData(
      server,
      `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { key { name scopes allowedCidrs } userErrors { code } } }`,
      { input: { id: key.id, name: "After", scopes: ["AUDIT_READ"], allowedCidrs: ["127.0.0.1"] } },
      team.owner.token,
    );
    expect(updateKey).toEqual({
      key: { name: "After", scopes: ["ORG_READ", "AUDIT_READ"], allowedCidrs: ["127.0.0.1/32"] },
      userErrors: [],
    });
    const { deleteKey } = await graphqlData(
      server,
      `mutation($input: KeyIdInput!) { deleteKey(input: $input) { deletedKeyId userErrors { code } } }`,
      { input: { id: key.id } },
      team.owner.token,
    );
    expect(deleteKey).toEqual({ deletedKeyId: key.id, userErrors: [] });
    expect((await graphqlWithHeaders(server, WHO, bearer(secret))).status).toBe(401);
    const log = await auditLog(server, team.owner.token, team.organization.id, { targetId: key.id });
    expect(log.nodes.map((entry) => entry.action)).toEqual(["KEY_DELETED", "KEY_UPDATED", "KEY_CREATED"]);
    const events = await sql(server.databaseUrl, "select type from domain_events where payload->>'keyId' = $1 order by id", [
      databaseId(key.id),
    ]);
    expect(events.map((event) => event.type)).toEqual(["key.created", "key.updated", "key.deleted"]);
  });
});

describe("keys of deleted locations", () => {
  it("go with their location, each announced as key.deleted and refused at once", async () => {
    const team = await keyTeam(server);
    const { createLocation } = await graphqlData(
      server,
      `mutation { createLocation(input: { organizationId: "${team.organization.id}", name: "Closing" }) { location { id } } }`,
      {},
      team.owner.token,
    );
    const { key, secret } = await team.createKey({ locationId: createLocation.location.id });
    expect((await graphqlWithHeaders(server, WHO, bearer(secret))).status).toBe(200);
    await graphqlData(
      server,
      `mutation($input: DeleteLocationInput!) { deleteLocation(input: $input) { userErrors { code } } }`,
      { input: { id: createLocation.location.id } },
      team.owner.token,
    );
    const events = await sql(
      server.databaseUrl,
      "select type, payload->>'reason' as reason from domain_events where payload->>'keyId' = $1 order by id",
      [databaseId(key.id)],
    );
    expect(events).toEqual([
      { type: "key.created", reason: null },
      { type: "key.deleted", reason: "location deleted" },
    ]);
    expect((await graphqlWithHeaders(server, WHO, bearer(secret))).status).toBe(401);
  });
});

describe("listing keys", () => {
  it("filters by kind, state, location, owner, expiry and name, and shows members only their own", async () => {
    const team = await keyTeam(server);
    await team.updateSettings({ apiAccessForNonAdmins: true });
    const { createLocation } = await graphqlData(
      server,
      `mutation { createLocation(input: { organizationId: "${team.organization.id}", name: "North" }) { location { id } } }`,
      {},
      team.owner.token,
    );
    await team.createKey({ name: "Billing sync", kind: "SECRET" });
    await team.createKey({ name: "Warehouse", kind: "KEY_PAIR", locationId: createLocation.location.id });
    const soon = await team.createKey({
      name: "Short lived",
      kind: "BASIC",
      expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    await graphqlData(server, REVOKE, { input: { id: soon.key.id, reason: "done" } }, team.owner.token);
    const developer = await team.addMember("Dev", "Developer");
    await acceptAgreement(server, developer.token, team.organization.id);
    await team.createKey({ name: "Dev's own", personal: true, contact: null }, developer.token);

    const LIST = `query($id: ID!, $kinds: [KeyKind!], $states: [KeyState!], $locationId: ID, $search: String, $expiringBefore: DateTimeISO) {
      organization(id: $id) { keys(kinds: $kinds, states: $states, locationId: $locationId, search: $search, expiringBefore: $expiringBefore) { nodes { name } } }
    }`;
    const names = async (variables: Record<string, unknown>, token = team.owner.token) =>
      (await graphqlData(server, LIST, { id: team.organization.id, ...variables }, token)).organization.keys.nodes.map(
        (node: { name: string }) => node.name,
      );
    expect(await names({})).toEqual(["Billing sync", "Warehouse", "Short lived", "Dev's own"]);
    expect(await names({ kinds: ["KEY_PAIR"] })).toEqual(["Warehouse"]);
    expect(await names({ states: ["REVOKED"] })).toEqual(["Short lived"]);
    expect(await names({ states: ["ACTIVE"] })).toEqual(["Billing sync", "Warehouse", "Dev's own"]);
    expect(await names({ locationId: createLocation.location.id })).toEqual(["Warehouse"]);
    expect(await names({ search: "SYNC" })).toEqual(["Billing sync"]);
    expect(await names({ expiringBefore: new Date(Date.now() + 7 * 86_400_000).toISOString() })).toEqual(["Short lived"]);
    expect(await names({}, developer.token)).toEqual(["Dev's own"]);

    const { organization } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { keyHolders { user { email } keys { name } } } }`,
      { id: team.organization.id },
      team.owner.token,
    );
    expect(organization.keyHolders).toEqual([
      { user: { email: team.owner.email }, keys: [{ name: "Billing sync" }, { name: "Warehouse" }] },
      { user: { email: developer.email }, keys: [{ name: "Dev's own" }] },
    ]);
    const hidden = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { keyHolders { user { email } } } }`,
      { id: team.organization.id },
      developer.token,
    );
    expect(hidden.organization.keyHolders).toBeNull();
  });
});
