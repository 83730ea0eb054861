import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { metricValue } from "../support/metrics";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Every nested field goes through per-request DataLoaders, so the number of SQL statements a query
 * costs must not grow with the number of objects it returns. The count is read from the server's
 * own `latchkey_db_statements_total` metric, around one request.
 */
const WIDE_QUERY = `{
  viewer {
    email
    memberships {
      role { name permissions }
      organization {
        name
        settings { revealPolicy }
        viewerPermissions
        locations(first: 10) { totalCount nodes { name organization { name } } }
        members(first: 10) { totalCount nodes { user { email memberships { id } } role { name permissions } organization { name } } }
        roles { totalCount nodes { name permissions } }
      }
    }
  }
}`;

let server: TestServer;
beforeAll(async () => {
  // WIDE_QUERY's worst case (100 memberships × 10 members × 100 memberships each) is about 110,000,
  // over the default budget of 20,000: this file measures batching, not the cost limit.
  server = await startTestServer({ GRAPHQL_MAX_COST: "200000" });
});
afterAll(() => server?.stop());

async function userWithOrganizations(count: number) {
  const owner = await signUp(server, `Owner of ${count}`);
  const colleague = await signUp(server, `Colleague of ${count}`);
  for (let index = 0; index < count; index++) {
    const organization = await createOrganization(server, owner.token, `Org ${index}`);
    await graphqlData(
      server,
      `mutation($location: CreateLocationInput!, $member: AddMemberInput!) {
         createLocation(input: $location) { userErrors { code } }
         addMember(input: $member) { userErrors { code } }
       }`,
      {
        location: { organizationId: organization.id, name: `Branch ${index}` },
        member: { organizationId: organization.id, email: colleague.email, roleId: organization.roles.Developer },
      },
      owner.token,
    );
  }
  return owner;
}

async function statementsFor(token: string) {
  const before = await metricValue(server, "latchkey_db_statements_total");
  const data = await graphqlData(server, WIDE_QUERY, {}, token);
  const after = await metricValue(server, "latchkey_db_statements_total");
  return { statements: after - before, data };
}

describe("DataLoader batching", () => {
  it("answers a query for 50 organisations with their locations, members, users and roles in as many statements as for 5", async () => {
    const few = await userWithOrganizations(5);
    const many = await userWithOrganizations(50);

    const small = await statementsFor(few.token);
    const large = await statementsFor(many.token);

    expect(small.data.viewer.memberships).toHaveLength(5);
    expect(large.data.viewer.memberships).toHaveLength(50);
    const sample = large.data.viewer.memberships[49].organization;
    expect(sample.locations).toEqual({ totalCount: 1, nodes: [{ name: "Branch 49", organization: { name: "Org 49" } }] });
    expect(sample.members.totalCount).toBe(2);
    expect(sample.roles.totalCount).toBe(4);

    expect(large.statements).toBe(small.statements);
    // The caller (session and permissions) comes from memory, seen in earlier requests; then viewer;
    // viewer's memberships with roles; organisations with their location counts; a page each for
    // locations, members and roles and a count each for members and roles; the members' users, roles
    // and memberships: 11, whatever the size.
    expect(large.statements).toBe(11);
  });
});
