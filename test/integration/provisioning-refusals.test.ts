import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually";
import { graphql, graphqlData, type UntypedData } from "../support/graphql-client";
import { acceptAgreement, CREATE_KEY } from "../support/keys";
import { platformKeys, sessionForIdentity, sharedKeyMaterial } from "../support/platform";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";
import { rowCounts } from "../support/sql";
import { wsClient, wsExecute } from "../support/ws-client";

const keyMaterial = sharedKeyMaterial();
/** Long enough that only an eviction, never an expiry, can explain a refusal within the test. */
const env = { ...keyMaterial, KEY_CACHE_SECONDS: "300" };
const ISSUER = "https://id.host.test";
const UPSERT_ORGANIZATION = `mutation($input: UpsertOrganizationInput!) {
  upsertOrganization(input: $input) { organization { id externalId } userErrors { code } } }`;

let server: TestServer;
let second: TestServer;
beforeAll(async () => {
  server = await startTestServer(env);
  second = await startSecondInstance(server, env);
});
afterAll(async () => {
  await second?.stop();
  await server?.stop();
});

let tenants = 0;

/** A provisioned organisation whose Owner (signed in through the host) holds a key and a webhook endpoint. */
async function tenantWithSecrets() {
  const platformKey = await platformKeys(server, keyMaterial).create();
  const tenant = `refusals-${process.pid}-${++tenants}`;
  const provision = (query: string, input: Record<string, unknown>) => graphqlData(server, query, { input }, platformKey.secret);
  const { upsertOrganization } = await provision(UPSERT_ORGANIZATION, { externalId: tenant, name: "Tenant" });
  await provision(`mutation($input: UpsertUserInput!) { upsertUser(input: $input) { userErrors { code } } }`, {
    externalId: `${tenant}-owner`,
    issuer: ISSUER,
    email: `${tenant}-owner@host.test`,
    name: "Owner",
  });
  await provision(`mutation($input: UpsertMembershipInput!) { upsertMembership(input: $input) { userErrors { code } } }`, {
    organizationExternalId: tenant,
    userExternalId: `${tenant}-owner`,
    issuer: ISSUER,
    role: "Owner",
  });
  const organizationId = upsertOrganization.organization.id as string;
  const ownerToken = await sessionForIdentity(server, ISSUER, `${tenant}-owner`);
  await acceptAgreement(server, ownerToken, organizationId);
  const { createKey } = await graphqlData(
    server,
    CREATE_KEY,
    { input: { organizationId, name: "CRM", kind: "SECRET", contact: null, personal: true } },
    ownerToken,
  );
  const { createWebhookEndpoint } = await graphqlData(
    server,
    `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } userErrors { message } } }`,
    { input: { organizationId, url: "https://hooks.example.test/latchkey", eventTypes: ["key.*"] } },
    ownerToken,
  );
  expect(createWebhookEndpoint.userErrors).toEqual([]);
  return { platformKey, tenant, organizationId, ownerToken, key: createKey.key as UntypedData, secret: createKey.secret as string };
}

/** A refusal: no data for the field and an error saying why, or a payload with a userError and nothing in it. */
function expectRefused(
  result: { data?: UntypedData | null; errors?: Array<{ message: string; extensions: { code?: string } }> },
  field: string,
) {
  const value = result.data?.[field];
  expect(result.errors?.filter((error) => error.extensions.code !== "FORBIDDEN") ?? [], field).toEqual([]);
  if (value?.userErrors) {
    expect(value.userErrors.length).toBeGreaterThan(0);
    expect(Object.values(value).filter((item) => item !== null && !Array.isArray(item))).toEqual([]);
  } else {
    expect(value ?? null).toBeNull();
    expect(result.errors?.map((error) => error.extensions.code)).toEqual(["FORBIDDEN"]);
  }
}

describe("what a platform key may not do", () => {
  it("reads no keys, secrets, webhooks, members or audit, and changes nothing outside provisioning", async () => {
    const tenant = await tenantWithSecrets();
    const asPlatform = (query: string, variables: Record<string, unknown> = {}) =>
      graphql(server, query, variables, tenant.platformKey.secret);
    const before = await rowCounts(server.databaseUrl, ["api_keys", "key_secrets", "webhook_endpoints", "memberships", "audit_entries"]);

    const reads: Array<[string, string, Record<string, unknown>]> = [
      ["viewer", "{ viewer { id } }", {}],
      ["organization", "query($id: ID!) { organization(id: $id) { id } }", { id: tenant.organizationId }],
      ["node", "query($id: ID!) { node(id: $id) { id ... on ApiKey { maskedSecret } } }", { id: tenant.key.id }],
      [
        "revealKeySecret",
        "mutation($input: RevealKeySecretInput!) { revealKeySecret(input: $input) { secret userErrors { code } } }",
        { input: { id: tenant.key.id, reason: "provisioning" } },
      ],
      [
        "createKey",
        "mutation($input: CreateKeyInput!) { createKey(input: $input) { secret userErrors { code } } }",
        { input: { organizationId: tenant.organizationId, name: "Mine", kind: "SECRET", contact: null, personal: true } },
      ],
      [
        "revokeKey",
        "mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { key { id } userErrors { code } } }",
        { input: { id: tenant.key.id, reason: "x" } },
      ],
      [
        "createWebhookEndpoint",
        "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { signingSecret userErrors { code } } }",
        { input: { organizationId: tenant.organizationId, url: "https://hooks.example.test/steal", eventTypes: ["*"] } },
      ],
      ["createOrganization", 'mutation { createOrganization(input: { name: "Own" }) { organization { id } userErrors { code } } }', {}],
    ];
    for (const [field, query, variables] of reads) {
      const result = await asPlatform(query, variables);
      expect(JSON.stringify(result), field).not.toMatch(/lk_sk_|whsec_/);
      expectRefused(result, field);
    }

    // The organisation it provisions: its own fields, but nothing of what lives inside.
    const { data, errors } = await asPlatform(
      `query($externalId: String!) { organizationByExternalId(externalId: $externalId) {
         id viewerPermissions keys { totalCount } keyHolders { user { email } } webhookEndpoints { totalCount } auditLog { totalCount }
         keyEvents { totalCount } viewerApiAgreement { accepted } viewerCan { createKey manageMembers manageWebhooks readAuditLog } } }`,
      { externalId: tenant.tenant },
    );
    // Reading key events asks for a person first, so it is refused outright; the other fields are empty as for a stranger.
    expect(errors?.map((error) => [error.path, error.extensions.code])).toEqual([[["organizationByExternalId", "keyEvents"], "FORBIDDEN"]]);
    expect(data?.organizationByExternalId).toEqual({
      id: tenant.organizationId,
      viewerPermissions: [],
      keys: null,
      keyHolders: null,
      webhookEndpoints: null,
      auditLog: null,
      keyEvents: null,
      viewerApiAgreement: null,
      viewerCan: { createKey: false, manageMembers: false, manageWebhooks: false, readAuditLog: false },
    });
    const members = await asPlatform(
      `query($externalId: String!) { organizationByExternalId(externalId: $externalId) { members { nodes { user { email } } } } }`,
      { externalId: tenant.tenant },
    );
    expectRefused(members, "organizationByExternalId");
    expect(await rowCounts(server.databaseUrl, ["api_keys", "key_secrets", "webhook_endpoints", "memberships", "audit_entries"])).toEqual(
      before,
    );
  });

  it("is the only credential that provisions: a signed-in Owner is refused", async () => {
    const tenant = await tenantWithSecrets();
    const result = await graphql(
      server,
      UPSERT_ORGANIZATION,
      { input: { externalId: tenant.tenant, name: "Hijacked" } },
      tenant.ownerToken,
    );
    expectRefused(result, "upsertOrganization");
  });

  it("stops at once on every instance when revoked", async () => {
    const keys = platformKeys(server, keyMaterial);
    const platformKey = await keys.create("Soon revoked");
    const lookup = (instance: TestServer) =>
      graphql(instance, `{ organizationByExternalId(externalId: "none") { id } }`, {}, platformKey.secret);
    // Both instances have verified (and cached) the key.
    for (const instance of [server, second])
      expect(await lookup(instance)).toMatchObject({ status: 200, data: { organizationByExternalId: null } });
    await keys.revoke(platformKey.id);
    for (const instance of [server, second]) {
      await eventually(async () => {
        const refused = await lookup(instance);
        expect(refused.status).toBe(401);
        expect(refused.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
      });
    }
    const other = await keys.create("Still good");
    expect(
      await graphql(second, UPSERT_ORGANIZATION, { input: { externalId: `after-${process.pid}`, name: "Later" } }, other.secret),
    ).toMatchObject({
      status: 200,
      data: { upsertOrganization: { userErrors: [] } },
    });
  });

  it("is refused over WebSocket, where a socket would outlive the key's revocation", async () => {
    const platformKey = await platformKeys(server, keyMaterial).create();
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      const client = wsClient(server, `Bearer ${platformKey.secret}`, resolve);
      wsExecute(client, `{ organizationByExternalId(externalId: "x") { id } }`).catch(() => undefined);
    });
    expect(await closed).toEqual({ code: 4403, reason: "Forbidden: platform keys provision over HTTP only" });
  });

  it("refuses a made-up or mistyped platform key like any bad credential", async () => {
    const platformKey = await platformKeys(server, keyMaterial).create();
    const mistyped = `${platformKey.secret.slice(0, -1)}${platformKey.secret.endsWith("A") ? "B" : "A"}`;
    const result = await graphql(server, `{ organizationByExternalId(externalId: "x") { id } }`, {}, mistyped);
    expect(result.status).toBe(401);
  });
});
