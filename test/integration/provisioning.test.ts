import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import { graphql, graphqlData, signUp, type UntypedData } from "../support/graphql-client";
import { databaseId } from "../support/ids";
import { acceptAgreement, CREATE_KEY } from "../support/keys";
import { platformKeys, sessionForIdentity, sharedKeyMaterial } from "../support/platform";
import { startTestServer, type TestServer } from "../support/server";
import { sql } from "../support/sql";

const keyMaterial = sharedKeyMaterial();
const ISSUER = "https://id.host.test";

const UPSERT_ORGANIZATION = `mutation($input: UpsertOrganizationInput!) {
  upsertOrganization(input: $input) { organization { id name externalId } userErrors { field message code } } }`;
const UPSERT_LOCATION = `mutation($input: UpsertLocationInput!) {
  upsertLocation(input: $input) { location { id name address externalId } userErrors { field message code } } }`;
const UPSERT_USER = `mutation($input: UpsertUserInput!) {
  upsertUser(input: $input) { user { id email name } userErrors { field message code } } }`;
const UPSERT_MEMBERSHIP = `mutation($input: UpsertMembershipInput!) {
  upsertMembership(input: $input) { membership { id role { name } user { email } } userErrors { field message code } } }`;
const REMOVE_MEMBERSHIP = `mutation($input: RemoveMembershipInput!) {
  removeMembership(input: $input) { removedMembershipId userErrors { field message code } } }`;
const DELETE_ORGANIZATION = `mutation($input: DeleteOrganizationByExternalIdInput!) {
  deleteOrganizationByExternalId(input: $input) { deletedOrganizationId userErrors { field message code } } }`;
const DELETE_LOCATION = `mutation($input: DeleteLocationByExternalIdInput!) {
  deleteLocationByExternalId(input: $input) { deletedLocationId userErrors { field message code } } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(keyMaterial);
});
afterAll(() => server?.stop());

let tenants = 0;

/** A platform key and helpers that call the provisioning mutations with it, each in a tenant of its own. */
async function hostBackend() {
  const platformKey = await platformKeys(server, keyMaterial).create();
  const tenant = `tenant-${process.pid}-${++tenants}`;
  const call = async (query: string, input: Record<string, unknown>) => {
    const data = await graphqlData(server, query, { input }, platformKey.secret);
    return Object.values(data)[0] as UntypedData;
  };
  /** Audit entries this platform key wrote, straight from the append-only table. */
  const auditCount = async () => {
    const [row] = await sql<{ count: string }>(server.databaseUrl, "select count(*) from audit_entries where actor_platform_key_id = $1", [
      platformKey.id,
    ]);
    return Number(row?.count);
  };
  return { platformKey, tenant, call, auditCount };
}

/** An organisation with a location and an Owner, provisioned as a host would on its tenant's sign-up. */
async function provisionedTenant() {
  const host = await hostBackend();
  const { organization } = await host.call(UPSERT_ORGANIZATION, { externalId: host.tenant, name: "Claire Dealer" });
  const { location } = await host.call(UPSERT_LOCATION, {
    organizationExternalId: host.tenant,
    externalId: "loc-1",
    name: "Lyon",
    address: "1 rue de la République",
  });
  const ownerSubject = `${host.tenant}-owner`;
  const { user } = await host.call(UPSERT_USER, {
    externalId: ownerSubject,
    issuer: ISSUER,
    email: `${ownerSubject}@host.test`,
    name: "Claire",
  });
  const { membership } = await host.call(UPSERT_MEMBERSHIP, {
    organizationExternalId: host.tenant,
    userExternalId: ownerSubject,
    issuer: ISSUER,
    role: "Owner",
  });
  const ownerToken = await sessionForIdentity(server, ISSUER, ownerSubject);
  return { ...host, organization, location, user, membership, ownerSubject, ownerToken };
}

describe("provisioning by external ID with a platform key", () => {
  it("upserts organisations, locations, users and memberships idempotently: the same input twice returns the same objects and records nothing more", async () => {
    const tenant = await provisionedTenant();
    expect(tenant.organization).toMatchObject({ name: "Claire Dealer", externalId: tenant.tenant });
    expect(tenant.membership).toMatchObject({ role: { name: "Owner" }, user: { email: `${tenant.ownerSubject}@host.test` } });
    const recorded = await tenant.auditCount();
    expect(recorded).toBe(4);

    const again = {
      organization: await tenant.call(UPSERT_ORGANIZATION, { externalId: tenant.tenant, name: "Claire Dealer" }),
      location: await tenant.call(UPSERT_LOCATION, {
        organizationExternalId: tenant.tenant,
        externalId: "loc-1",
        name: "Lyon",
        address: "1 rue de la République",
      }),
      user: await tenant.call(UPSERT_USER, {
        externalId: tenant.ownerSubject,
        issuer: ISSUER,
        email: `${tenant.ownerSubject}@host.test`,
        name: "Claire",
      }),
      membership: await tenant.call(UPSERT_MEMBERSHIP, {
        organizationExternalId: tenant.tenant,
        userExternalId: tenant.ownerSubject,
        issuer: ISSUER,
        role: "OWNER",
      }),
    };
    expect(again.organization).toEqual({ organization: tenant.organization, userErrors: [] });
    expect(again.location).toEqual({ location: tenant.location, userErrors: [] });
    expect(again.user).toEqual({ user: tenant.user, userErrors: [] });
    expect(again.membership).toEqual({ membership: tenant.membership, userErrors: [] });
    expect(await tenant.auditCount()).toBe(recorded);
    const [organizations] = await sql<{ count: string }>(server.databaseUrl, "select count(*) from organizations where external_id = $1", [
      tenant.tenant,
    ]);
    expect(organizations?.count).toBe("1");
  });

  it("gives the same objects to the same upserts sent at once, recording each creation once", async () => {
    const host = await hostBackend();
    const subject = `${host.tenant}-racer`;
    const times = <T>(work: () => Promise<T>) => Promise.all(Array.from({ length: 4 }, work));
    const organizations = await times(() => host.call(UPSERT_ORGANIZATION, { externalId: host.tenant, name: "Racing" }));
    const locations = await times(() =>
      host.call(UPSERT_LOCATION, { organizationExternalId: host.tenant, externalId: "depot", name: "Depot" }),
    );
    const users = await times(() =>
      host.call(UPSERT_USER, { externalId: subject, issuer: ISSUER, email: `${subject}@host.test`, name: "Racer" }),
    );
    const memberships = await times(() =>
      host.call(UPSERT_MEMBERSHIP, { organizationExternalId: host.tenant, userExternalId: subject, issuer: ISSUER, role: "Admin" }),
    );
    for (const [results, field] of [
      [organizations, "organization"],
      [locations, "location"],
      [users, "user"],
      [memberships, "membership"],
    ] as const) {
      expect(results.flatMap((result) => result.userErrors)).toEqual([]);
      expect(new Set(results.map((result) => result[field].id)).size, field).toBe(1);
    }
    expect(await host.auditCount()).toBe(4);
  });

  it("creates an organisation with the built-in roles and no member until the host provisions one", async () => {
    const host = await hostBackend();
    const { organization } = await host.call(UPSERT_ORGANIZATION, { externalId: host.tenant, name: "No owner yet" });
    const rows = await sql<{ name: string; members: string }>(
      server.databaseUrl,
      `select r.name, (select count(*) from memberships m where m.organization_id = r.organization_id) as members
       from roles r join organizations o on o.id = r.organization_id where o.external_id = $1 order by r.name`,
      [host.tenant],
    );
    expect(rows).toEqual(["Admin", "Developer", "Owner", "Viewer"].map((name) => ({ name, members: "0" })));
    expect(organization.externalId).toBe(host.tenant);
  });

  it("records every change with the platform key as the actor, and changes only what differs", async () => {
    const tenant = await provisionedTenant();
    await tenant.call(UPSERT_ORGANIZATION, { externalId: tenant.tenant, name: "Claire Dealer Group" });
    await tenant.call(UPSERT_LOCATION, { organizationExternalId: tenant.tenant, externalId: "loc-1", name: "Lyon Part-Dieu" });
    const { nodes } = await auditLog(server, tenant.ownerToken, tenant.organization.id);
    expect(nodes.map((entry) => entry.action)).toEqual([
      "LOCATION_UPDATED",
      "ORGANIZATION_UPDATED",
      "MEMBER_ADDED",
      "LOCATION_CREATED",
      "ORGANIZATION_CREATED",
    ]);
    expect(nodes.every((entry) => entry.actor === null)).toBe(true);
    const { organization } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { name location(externalId: "loc-1") { name address }
         auditLog(first: 10) { nodes { actorPlatformKeyId actorKeyId } } } }`,
      { id: tenant.organization.id },
      tenant.ownerToken,
    );
    expect(organization.name).toBe("Claire Dealer Group");
    expect(organization.location).toEqual({ name: "Lyon Part-Dieu", address: "1 rue de la République" });
    const platformKeyId = Buffer.from(`PlatformKey:${tenant.platformKey.id}`).toString("base64url");
    expect(organization.auditLog.nodes).toEqual(nodes.map(() => ({ actorPlatformKeyId: platformKeyId, actorKeyId: null })));
    // What the owner does meanwhile is theirs: a filter by the platform key shows the host's changes alone.
    const { createLocation } = await graphqlData(
      server,
      `mutation($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`,
      { input: { organizationId: tenant.organization.id, name: "Owner's own" } },
      tenant.ownerToken,
    );
    expect(createLocation.userErrors).toEqual([]);
    const byPlatformKey = await auditLog(server, tenant.ownerToken, tenant.organization.id, { actorId: platformKeyId });
    expect(byPlatformKey.nodes.map((entry) => entry.action)).toEqual(nodes.map((entry) => entry.action));
    expect((await auditLog(server, tenant.ownerToken, tenant.organization.id)).totalCount).toBe(nodes.length + 1);
    const [userEntry] = await sql(server.databaseUrl, "select action, actor_user_id, metadata from audit_entries where target_id = $1", [
      databaseId(tenant.user.id),
    ]);
    expect(userEntry).toEqual({
      action: "user.provisioned",
      actor_user_id: null,
      metadata: { issuer: ISSUER, externalId: tenant.ownerSubject },
    });
  });

  it("changes a member's role and removes them through the members service, announcing each change; removing again changes nothing", async () => {
    const tenant = await provisionedTenant();
    const subject = `${tenant.tenant}-dev`;
    const membership = { organizationExternalId: tenant.tenant, userExternalId: subject, issuer: ISSUER };
    await tenant.call(UPSERT_USER, { externalId: subject, issuer: ISSUER, email: `${subject}@host.test`, name: "Dev" });
    const added = await tenant.call(UPSERT_MEMBERSHIP, { ...membership, role: "Developer" });
    const changed = await tenant.call(UPSERT_MEMBERSHIP, { ...membership, role: "Admin" });
    expect(changed.membership).toMatchObject({ id: added.membership.id, role: { name: "Admin" } });
    const removed = await tenant.call(REMOVE_MEMBERSHIP, membership);
    expect(removed).toEqual({ removedMembershipId: added.membership.id, userErrors: [] });
    expect(await tenant.call(REMOVE_MEMBERSHIP, membership)).toEqual({ removedMembershipId: null, userErrors: [] });
    const events = await sql<{ type: string }>(server.databaseUrl, "select type from domain_events where subject_id = $1 order by id", [
      databaseId(added.membership.id),
    ]);
    expect(events.map((event) => event.type)).toEqual(["member.added", "member.role_changed", "member.removed"]);
    const lastOwner = await tenant.call(REMOVE_MEMBERSHIP, { ...membership, userExternalId: tenant.ownerSubject });
    expect(lastOwner.userErrors).toEqual([expect.objectContaining({ code: "LAST_OWNER" })]);
  });

  it("deletes an organisation by external ID as deleteOrganization does: its keys are announced, its audit log stays; deleting again changes nothing", async () => {
    const tenant = await provisionedTenant();
    await acceptAgreement(server, tenant.ownerToken, tenant.organization.id);
    const { createKey } = await graphqlData(
      server,
      CREATE_KEY,
      { input: { organizationId: tenant.organization.id, name: "CRM", kind: "SECRET", contact: null, personal: true } },
      tenant.ownerToken,
    );
    expect(createKey.userErrors).toEqual([]);
    const deletedLocation = await tenant.call(DELETE_LOCATION, { organizationExternalId: tenant.tenant, externalId: "loc-1" });
    expect(deletedLocation).toEqual({ deletedLocationId: tenant.location.id, userErrors: [] });
    const deleted = await tenant.call(DELETE_ORGANIZATION, { externalId: tenant.tenant });
    expect(deleted).toEqual({ deletedOrganizationId: tenant.organization.id, userErrors: [] });
    expect(await tenant.call(DELETE_ORGANIZATION, { externalId: tenant.tenant })).toEqual({ deletedOrganizationId: null, userErrors: [] });
    const keyEvents = await sql(
      server.databaseUrl,
      "select type, payload->>'reason' as reason from domain_events where subject_id = $1 order by id",
      [databaseId(createKey.key.id)],
    );
    expect(keyEvents).toEqual([
      { type: "key.created", reason: null },
      { type: "key.deleted", reason: "organization deleted" },
    ]);
    const actions = await sql<{ action: string }>(
      server.databaseUrl,
      "select action from audit_entries where organization_id = $1 and actor_platform_key_id = $2 order by id",
      [databaseId(tenant.organization.id), tenant.platformKey.id],
    );
    expect(actions.map((row) => row.action)).toEqual([
      "organization.created",
      "location.created",
      "member.added",
      "location.deleted",
      "key.deleted",
      "organization.deleted",
    ]);
  });

  it("refuses bad input with a clear userError and changes nothing", async () => {
    const tenant = await provisionedTenant();
    const before = await tenant.auditCount();
    const person = await signUp(server, "Already Here");
    const cases: Array<[string, Record<string, unknown>, { field: string[]; code: string }]> = [
      [UPSERT_ORGANIZATION, { externalId: "  ", name: "Blank" }, { field: ["externalId"], code: "INVALID_INPUT" }],
      [
        UPSERT_LOCATION,
        { organizationExternalId: "nobody", externalId: "x", name: "X" },
        { field: ["organizationExternalId"], code: "NOT_FOUND" },
      ],
      [
        UPSERT_USER,
        { externalId: `${tenant.tenant}-taken`, issuer: ISSUER, email: person.email, name: "Takeover" },
        { field: ["email"], code: "CONFLICT" },
      ],
      [UPSERT_USER, { externalId: "x", issuer: ISSUER, email: "not an email", name: "X" }, { field: ["email"], code: "INVALID_INPUT" }],
      [
        UPSERT_MEMBERSHIP,
        { organizationExternalId: tenant.tenant, userExternalId: tenant.ownerSubject, issuer: ISSUER, role: "Emperor" },
        { field: ["role"], code: "NOT_FOUND" },
      ],
      [
        UPSERT_MEMBERSHIP,
        { organizationExternalId: tenant.tenant, userExternalId: "stranger", issuer: ISSUER, role: "Admin" },
        { field: ["userExternalId"], code: "NOT_FOUND" },
      ],
    ];
    for (const [query, input, expected] of cases) {
      const payload = await tenant.call(query, input);
      expect(payload.userErrors, JSON.stringify(input)).toEqual([expect.objectContaining({ ...expected, message: expect.any(String) })]);
      expect(Object.values(payload).filter((value) => value !== null && !Array.isArray(value))).toEqual([]);
    }
    expect(await tenant.auditCount()).toBe(before);
    const identities = await sql(server.databaseUrl, "select 1 from user_identities where subject = $1", [`${tenant.tenant}-taken`]);
    expect(identities).toEqual([]);
    const { membership } = await tenant.call(UPSERT_MEMBERSHIP, {
      organizationExternalId: tenant.tenant,
      userExternalId: tenant.ownerSubject,
      issuer: ISSUER,
      role: "Owner",
    });
    expect(membership.id).toBe(tenant.membership.id);
  });

  it("looks organisations, locations and users up by external ID, for the platform and for members; strangers see nothing", async () => {
    const tenant = await provisionedTenant();
    const LOOKUP = `query($externalId: String!, $issuer: String!, $subject: String!) {
      organizationByExternalId(externalId: $externalId) { id location(externalId: "loc-1") { id } missing: location(externalId: "nope") { id } }
      userByExternalId(issuer: $issuer, externalId: $subject) { id email } }`;
    const variables = { externalId: tenant.tenant, issuer: ISSUER, subject: tenant.ownerSubject };
    const expected = { id: tenant.organization.id, location: { id: tenant.location.id }, missing: null };
    expect(await graphqlData(server, LOOKUP, variables, tenant.platformKey.secret)).toEqual({
      organizationByExternalId: expected,
      userByExternalId: { id: tenant.user.id, email: tenant.user.email },
    });
    expect(await graphqlData(server, LOOKUP, variables, tenant.ownerToken)).toEqual({
      organizationByExternalId: expected,
      userByExternalId: null,
    });
    const stranger = await signUp(server, "Stranger");
    expect(await graphqlData(server, LOOKUP, variables, stranger.token)).toEqual({
      organizationByExternalId: null,
      userByExternalId: null,
    });
    const anonymous = await graphql(server, LOOKUP, variables);
    expect(anonymous.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
    expect(await graphqlData(server, LOOKUP, { ...variables, externalId: "unknown" }, tenant.platformKey.secret)).toMatchObject({
      organizationByExternalId: null,
    });
  });
});
