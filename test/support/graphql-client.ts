import type { TestServer } from "./server";

/**
 * A GraphQL value a test has not typed. Tests read a response by the path their query asked for and
 * assert on what they find, so a wrong path fails the test's assertion; typing every query here would
 * repeat the schema. The one `any` the tests keep; everything else names this type.
 */
// biome-ignore lint/suspicious/noExplicitAny: untyped GraphQL data, read by path (see above)
export type Untyped = any;

/** A GraphQL object a test has not typed (see `Untyped`). */
export type UntypedData = Record<string, Untyped>;

/** An error in a GraphQL response: Latchkey puts a `code` in every error's `extensions`. */
export interface ResponseError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions: { code?: string } & Record<string, unknown>;
}

/** A mutation payload's `userErrors` entry. */
export interface UserErrorData {
  field: string[] | null;
  message: string;
  code: string;
}

export interface GraphQLResponse<T = UntypedData> {
  status: number;
  data?: T;
  errors?: ResponseError[];
}

/** Posts a GraphQL operation over real HTTP, as any client would. */
export async function graphql<T = UntypedData>(
  server: Pick<TestServer, "graphqlUrl">,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(server.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

/** Like `graphql`, but fails the test on any GraphQL error and returns `data`. */
export async function graphqlData<T = UntypedData>(
  server: Pick<TestServer, "graphqlUrl">,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const result = await graphql<T>(server, query, variables, token);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

let counter = 0;

/** Signs up a new person and returns their session token and global user ID. */
export async function signUp(server: Pick<TestServer, "graphqlUrl">, name = "Test User") {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${process.pid}.${++counter}@example.test`;
  const password = "correct horse battery staple";
  const data = await graphqlData(
    server,
    `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id email } userErrors { code message } } }`,
    { input: { email, name, password } },
  );
  if (data.signUp.userErrors.length) throw new Error(JSON.stringify(data.signUp.userErrors));
  return { token: data.signUp.token as string, userId: data.signUp.user.id as string, email, password };
}

/** Creates an organisation owned by the token's user; returns its ID and its roles by name. */
export async function createOrganization(server: Pick<TestServer, "graphqlUrl">, token: string, name = "Acme Motors") {
  const data = await graphqlData(
    server,
    `mutation($input: CreateOrganizationInput!) {
       createOrganization(input: $input) {
         organization { id roles { nodes { id name } } members { nodes { id } } }
         userErrors { code message }
       }
     }`,
    { input: { name } },
    token,
  );
  const organization = data.createOrganization.organization;
  const roles = Object.fromEntries(organization.roles.nodes.map((role: { id: string; name: string }) => [role.name, role.id]));
  return {
    id: organization.id as string,
    roles: roles as Record<string, string>,
    ownerMembershipId: organization.members.nodes[0].id as string,
  };
}
