import { createOrganization, graphql, graphqlData, type ResponseError, signUp, type Untyped, type UntypedData } from "./graphql-client";
import type { TestServer } from "./server";

export const CONTACT = { name: "Integration Owner", email: "integrations@example.test", phone: "+44 20 7946 0000" };

export const CREATE_KEY = `mutation($input: CreateKeyInput!) {
  createKey(input: $input) {
    secret
    key { id name kind state publicId maskedSecret scopes personal expiresAt allowedCidrs contactName location { id } mappedUser { email } }
    userErrors { field message code }
  }
}`;

/** An organisation whose Owner has accepted the API agreement, with helpers to add members and keys. */
export async function keyTeam(server: TestServer, name = "Claire Dealer") {
  const owner = await signUp(server, `${name} Owner`);
  const organization = await createOrganization(server, owner.token, name);
  await acceptAgreement(server, owner.token, organization.id);

  const addMember = async (person: string, role: string) => {
    const member = await signUp(server, person);
    const { addMember } = await graphqlData(
      server,
      `mutation($input: AddMemberInput!) { addMember(input: $input) { membership { id } userErrors { code } } }`,
      { input: { organizationId: organization.id, email: member.email, roleId: organization.roles[role] } },
      owner.token,
    );
    return { ...member, membershipId: addMember.membership.id as string };
  };

  /** Creates a key as `token` (the Owner by default); fails the test on userErrors. */
  const createKey = async (input: Record<string, unknown> = {}, token = owner.token) => {
    const result = await tryCreateKey(input, token);
    if (result.userErrors.length) throw new Error(JSON.stringify(result.userErrors));
    return result as { secret: string; key: UntypedData };
  };
  const tryCreateKey = async (input: Record<string, unknown> = {}, token = owner.token) => {
    const { createKey } = await graphqlData(
      server,
      CREATE_KEY,
      { input: { organizationId: organization.id, name: "CRM sync", kind: "SECRET", contact: CONTACT, ...input } },
      token,
    );
    return createKey;
  };

  const updateSettings = (settings: Record<string, unknown>) =>
    graphqlData(
      server,
      `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { userErrors { code message } } }`,
      { input: { id: organization.id, settings } },
      owner.token,
    );

  return { owner, organization, addMember, createKey, tryCreateKey, updateSettings };
}

export async function acceptAgreement(server: Pick<TestServer, "graphqlUrl">, token: string, organizationId: string) {
  return graphqlData(
    server,
    `mutation($input: AcceptApiAgreementInput!) { acceptApiAgreement(input: $input) { organization { viewerApiAgreement { accepted currentVersion } } userErrors { code } } }`,
    { input: { organizationId } },
    token,
  );
}

/** Sends a GraphQL query with arbitrary headers (keys come in several shapes). */
export async function graphqlWithHeaders(
  server: TestServer,
  query: string,
  headers: Record<string, string>,
  variables: Record<string, unknown> = {},
) {
  const response = await fetch(server.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as { data?: Untyped; errors?: ResponseError[] }) };
}

export const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

export { graphql };

/** The secret with its last character changed: one typo away, and never equal to the original. */
export const mistyped = (secret: string) => `${secret.slice(0, -1)}${secret.endsWith("0") ? "1" : "0"}`;
