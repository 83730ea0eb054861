import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization, graphql, graphqlData, signUp } from "../support/graphql-client";
import { startTestServer, type TestServer } from "../support/server";
import { rowCounts } from "../support/sql";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** Forms that lenient base64 decoding reads as the real ID: padding, whitespace, junk, the other alphabet. */
function lenientForms(id: string): string[] {
  const standardAlphabet = Buffer.from(id, "base64url").toString("base64");
  return [` ${id}`, `${id} `, `${id}!!*`, `${id}=`, `${id}==`, `\n${id}`, `${id.slice(0, 8)} ${id.slice(8)}`, standardAlphabet].filter(
    (form) => form !== id,
  );
}

describe("global IDs", () => {
  it("node(id:) finds an object only by its exact canonical ID", async () => {
    const owner = await signUp(server, "Canonical Node");
    const organization = await createOrganization(server, owner.token, "Canonical Node Org");
    const query = "query($id: ID!) { node(id: $id) { id } }";
    expect((await graphqlData(server, query, { id: organization.id }, owner.token)).node).toEqual({ id: organization.id });
    for (const form of lenientForms(organization.id)) {
      const result = await graphql(server, query, { id: form }, owner.token);
      expect(result.errors, JSON.stringify(form)).toBeUndefined();
      expect(result.data?.node, JSON.stringify(form)).toBeNull();
    }
  });

  it("a mutation refuses a lenient form of a real ID as invalid input and changes nothing", async () => {
    const owner = await signUp(server, "Canonical Mutation");
    const organization = await createOrganization(server, owner.token, "Canonical Mutation Org");
    const tables = ["locations", "audit_entries"];
    const before = await rowCounts(server.databaseUrl, tables);
    for (const form of lenientForms(organization.id)) {
      const data = await graphqlData(
        server,
        `mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { id } userErrors { field code message } } }`,
        { input: { organizationId: form, name: "Should not exist" } },
        owner.token,
      );
      expect(data.createLocation, JSON.stringify(form)).toEqual({
        location: null,
        userErrors: [{ field: ["organizationId"], code: "INVALID_INPUT", message: "organizationId: is not the ID of a Organization" }],
      });
    }
    expect(await rowCounts(server.databaseUrl, tables)).toEqual(before);
  });
});
