import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, graphqlData, signUp } from "../../../test/support/graphql-client";
import { startTestServer, type TestServer } from "../../../test/support/server";
import { rowCounts, sql } from "../../../test/support/sql";

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token expiresAt user { id email name } userErrors { field message code } } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token user { email } userErrors { field message code } } }`;
const VIEWER = `{ viewer { email name } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("signing up", () => {
  it("creates an account, signs it in, and the token authenticates GraphQL requests", async () => {
    const { signUp: result } = await graphqlData(server, SIGN_UP, {
      input: { email: "  Ada@Example.TEST ", name: "Ada Lovelace", password: "analytical engine 1843" },
    });
    expect(result.userErrors).toEqual([]);
    expect(result.user).toMatchObject({ email: "ada@example.test", name: "Ada Lovelace" });
    expect(result.token).toMatch(/^lk_session_[\w-]{43}$/);
    expect(new Date(result.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const { viewer } = await graphqlData(server, VIEWER, {}, result.token);
    expect(viewer).toEqual({ email: "ada@example.test", name: "Ada Lovelace" });
  });

  it("stores an argon2id hash of the password and only a digest of the session token", async () => {
    const account = await signUp(server, "Grace Hopper");
    const [user] = await sql(server.databaseUrl, "select password_hash from users where email = $1", [account.email]);
    expect(String(user.password_hash)).toMatch(/^\$argon2id\$/);
    expect(String(user.password_hash)).not.toContain(account.password);
    const leaked = await sql(server.databaseUrl, "select 1 from sessions where token_hash = $1", [account.token]);
    expect(leaked).toHaveLength(0);
  });

  it("refuses a taken email, whatever its case, and writes nothing", async () => {
    const account = await signUp(server, "Taken Person");
    const before = await rowCounts(server.databaseUrl, ["users", "sessions", "audit_entries"]);
    const { signUp: result } = await graphqlData(server, SIGN_UP, {
      input: { email: account.email.toUpperCase(), name: "Someone Else", password: "another long password" },
    });
    expect(result.token).toBeNull();
    expect(result.userErrors).toEqual([{ field: ["email"], code: "CONFLICT", message: "An account with this email already exists." }]);
    expect(await rowCounts(server.databaseUrl, ["users", "sessions", "audit_entries"])).toEqual(before);
  });

  it("names every bad field at once and writes nothing", async () => {
    const before = await rowCounts(server.databaseUrl, ["users", "sessions", "audit_entries"]);
    const { signUp: result } = await graphqlData(server, SIGN_UP, { input: { email: "not-an-email", name: "   ", password: "short" } });
    expect(result.userErrors.map((error: { field: string[] }) => error.field)).toEqual([["email"], ["name"], ["password"]]);
    expect(result.userErrors.every((error: { code: string }) => error.code === "INVALID_INPUT")).toBe(true);
    expect(result.userErrors[2].message).toBe("password: must be at least 10 characters");
    expect(await rowCounts(server.databaseUrl, ["users", "sessions", "audit_entries"])).toEqual(before);
  });
});

describe("signing in and out", () => {
  it("signs in with the right password and records it in the audit trail", async () => {
    const account = await signUp(server, "Linus");
    const { signIn } = await graphqlData(server, SIGN_IN, { input: { email: account.email, password: account.password } });
    expect(signIn.userErrors).toEqual([]);
    expect(signIn.token).not.toBe(account.token);
    const { viewer } = await graphqlData(server, VIEWER, {}, signIn.token);
    expect(viewer.email).toBe(account.email);
    const actions = await sql(
      server.databaseUrl,
      "select action from audit_entries where actor_user_id = (select id from users where email = $1) order by id",
      [account.email],
    );
    expect(actions.map((row) => row.action)).toEqual(["user.signed_up", "user.signed_in"]);
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const account = await signUp(server, "Margaret");
    const wrongPassword = await graphqlData(server, SIGN_IN, { input: { email: account.email, password: "not the password" } });
    const unknownEmail = await graphqlData(server, SIGN_IN, { input: { email: "nobody@example.test", password: "not the password" } });
    const refusal = {
      token: null,
      user: null,
      userErrors: [{ field: null, code: "INVALID_CREDENTIALS", message: "Email or password is incorrect." }],
    };
    expect(wrongPassword.signIn).toEqual(refusal);
    expect(unknownEmail.signIn).toEqual(refusal);
    const failures = await sql(server.databaseUrl, "select action, actor_user_id from audit_entries where action = 'user.sign_in_failed'");
    expect(failures).toHaveLength(1);
    expect(failures[0].actor_user_id).toBeNull();
  });

  it("revokes the session on sign-out, after which the token is refused", async () => {
    const account = await signUp(server, "Ken");
    const { signOut } = await graphqlData(server, `mutation { signOut { signedOut userErrors { code } } }`, {}, account.token);
    expect(signOut).toEqual({ signedOut: true, userErrors: [] });
    const after = await graphql(server, VIEWER, {}, account.token);
    expect(after.status).toBe(401);
    expect(after.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses an expired session", async () => {
    const account = await signUp(server, "Barbara");
    await sql(
      server.databaseUrl,
      "update sessions set expires_at = now() - interval '1 second' where user_id = (select id from users where email = $1)",
      [account.email],
    );
    const result = await graphql(server, VIEWER, {}, account.token);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: "UNAUTHENTICATED" } });
  });

  it("slows down password guessing from one address", async () => {
    const guarded = await startTestServer();
    try {
      const account = await signUp(guarded, "Target");
      const guess = () => graphql(guarded, SIGN_IN, { input: { email: account.email, password: "wrong guess!" } });
      for (let attempt = 0; attempt < 30; attempt++) expect((await guess()).data?.signIn.userErrors[0].code).toBe("INVALID_CREDENTIALS");
      const blocked = await guess();
      expect(blocked.status).toBe(429);
      expect(blocked.errors?.[0].extensions?.code).toBe("RATE_LIMITED");
      // Even the right password waits until the window has passed.
      expect((await graphql(guarded, SIGN_IN, { input: { email: account.email, password: account.password } })).status).toBe(429);
    } finally {
      await guarded.stop();
    }
  });

  it("asks anonymous callers to sign in", async () => {
    const result = await graphql(server, VIEWER);
    expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.data).toBeNull();
  });
});
