import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deferred } from "../support/deferred";
import { logCapture, trustedIssuers } from "../support/federation";
import { createOrganization, graphql, graphqlData, signUp } from "../support/graphql-client";
import { startOidcProvider, type TestIdentityProvider } from "../support/oidc-provider";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";
import { sql } from "../support/sql";
import { wsClient, wsExecute } from "../support/ws-client";

const VIEWER = `{ viewer { id email name memberships { organization { id } } } }`;
const REFUSED = { message: "The credential sent is invalid, expired or revoked.", extensions: { code: "UNAUTHENTICATED" } };

let idp: TestIdentityProvider;
/** A second provider, trusted with `linkVerifiedEmail`: its verified emails may join existing accounts. */
let linkingIdp: TestIdentityProvider;
let server: TestServer;
const log = logCapture();
let counter = 0;

/** A subject and email nobody else in this file uses. */
function person(label: string) {
  counter += 1;
  return { subject: `${label}-${counter}`, email: `${label}.${counter}@host.test`, name: `${label} ${counter}` };
}

beforeAll(async () => {
  [idp, linkingIdp] = await Promise.all([startOidcProvider(), startOidcProvider()]);
  server = await startTestServer(
    { AUTH_ISSUERS: trustedIssuers(idp, [linkingIdp, { linkVerifiedEmail: true }]), LOG_LEVEL: "info" },
    undefined,
    { logDestination: log.destination },
  );
});
afterAll(() => Promise.all([server?.stop(), idp?.stop(), linkingIdp?.stop()]));

describe("sign-in with a token from the host's identity provider", () => {
  it("creates the user on first sign-in through the authorization code flow with PKCE, from the token's claims", async () => {
    const alice = person("alice");
    const { accessToken, idToken } = await idp.signIn(alice.subject, { email: alice.email, name: alice.name });
    expect(idToken).toMatch(/^ey/);
    const { viewer } = await graphqlData(server, VIEWER, {}, accessToken);
    expect(viewer).toMatchObject({ email: alice.email, name: alice.name, memberships: [] });
    const identities = await sql(server.databaseUrl, "select issuer, subject from user_identities where subject = $1", [alice.subject]);
    expect(identities).toEqual([{ issuer: idp.issuer, subject: alice.subject }]);
    const [account] = await sql(server.databaseUrl, "select password_hash from users where email = $1", [alice.email]);
    expect(account).toEqual({ password_hash: null });
  });

  it("finds the same user for the same subject on every later token, whatever its email claim says", async () => {
    const bob = person("bob");
    const first = await graphqlData(server, VIEWER, {}, await idp.accessToken(bob.subject, { email: bob.email, name: bob.name }));
    const again = await graphqlData(server, VIEWER, {}, await idp.accessToken(bob.subject, { email: `changed.${bob.email}`, name: "Bob" }));
    expect(again.viewer.id).toBe(first.viewer.id);
    const [{ count }] = await sql(server.databaseUrl, "select count(*)::int as count from user_identities where subject = $1", [
      bob.subject,
    ]);
    expect(count).toBe(1);
  });

  it("creates one user when a new person's first requests arrive together", async () => {
    const carol = person("carol");
    const token = await idp.accessToken(carol.subject, { email: carol.email, name: carol.name });
    const results = await Promise.all(Array.from({ length: 5 }, () => graphqlData(server, VIEWER, {}, token)));
    expect(new Set(results.map((result) => result.viewer.id)).size).toBe(1);
  });

  it("refuses a first sign-in whose email belongs to a password account: no takeover by email", async () => {
    const owner = await signUp(server, "Password Owner");
    const intruder = person("intruder");
    const token = await idp.accessToken(intruder.subject, { email: owner.email, email_verified: true, name: "Intruder" });
    const result = await graphql(server, VIEWER, {}, token);
    expect(result.status).toBe(401);
    expect(result.errors).toEqual([expect.objectContaining(REFUSED)]);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ msg: "federated sign-in refused", check: expect.stringContaining("linkVerifiedEmail is off") }),
    );
    const identities = await sql(server.databaseUrl, "select 1 from user_identities where subject = $1", [intruder.subject]);
    expect(identities).toEqual([]);
  });

  it("links a first sign-in to the account with its email only where linking is allowed and the email is verified", async () => {
    const owner = await signUp(server, "Linked Owner");
    const unverified = await linkingIdp.accessToken(`linked-${owner.userId}`, { email: owner.email, email_verified: false });
    expect((await graphql(server, VIEWER, {}, unverified)).status).toBe(401);
    expect(log.lines).toContainEqual(expect.objectContaining({ check: expect.stringContaining("does not say email_verified: true") }));

    const verified = await linkingIdp.accessToken(`linked-${owner.userId}`, { email: owner.email, email_verified: true });
    const { viewer } = await graphqlData(server, VIEWER, {}, verified);
    expect(viewer).toMatchObject({ id: owner.userId, email: owner.email });
    // The password still works: linking added a way in, it took none away.
    const signIn = await graphqlData(
      server,
      `mutation($input: SignInInput!) { signIn(input: $input) { user { id } userErrors { code } } }`,
      { input: { email: owner.email, password: owner.password } },
    );
    expect(signIn.signIn).toEqual({ user: { id: owner.userId }, userErrors: [] });
  });

  it("shows a federated user only their own organisations", async () => {
    const stranger = await signUp(server, "Stranger");
    const theirs = await createOrganization(server, stranger.token, "Stranger Motors");
    const dora = person("dora");
    const token = await idp.accessToken(dora.subject, { email: dora.email, name: dora.name });
    const result = await graphqlData(server, `query($id: ID!) { organization(id: $id) { id name } }`, { id: theirs.id }, token);
    expect(result.organization).toBeNull();
    const own = await createOrganization(server, token, "Dora's Garage");
    const { viewer } = await graphqlData(server, VIEWER, {}, token);
    expect(viewer.memberships).toEqual([{ organization: { id: own.id } }]);
  });

  it("logs a refusal with the check that failed and the issuer, never the token", async () => {
    const erin = person("erin");
    const token = await idp.accessToken(erin.subject, { email: erin.email });
    const [header, payload] = token.split(".");
    const tampered = `${header}.${payload}.${"A".repeat(342)}`;
    expect((await graphql(server, VIEWER, {}, tampered)).status).toBe(401);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ msg: "federated token refused", issuer: idp.issuer, check: "signature verification failed" }),
    );
    expect(log.raw).not.toContain(payload);
    expect(log.raw).not.toContain(token.split(".")[2]);
  });
});

describe("graphql-ws with a token from the host's identity provider", () => {
  it("authenticates the socket as the token's user", async () => {
    const frank = person("frank");
    const token = await idp.accessToken(frank.subject, { email: frank.email, name: frank.name });
    const client = wsClient(server, `Bearer ${token}`);
    try {
      const result = await wsExecute(client, `{ viewer { email } }`);
      expect(result).toEqual({ data: { viewer: { email: frank.email } } });
    } finally {
      await client.dispose();
    }
  });

  it("closes the socket with 4403 for a refused token, as for a refused session", async () => {
    const grace = person("grace");
    const token = await idp.accessToken(grace.subject, { email: grace.email });
    const [header, payload, signature] = token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), sub: "someone-else" })).toString("base64url")}.${signature}`;
    const closed = deferred<{ code: number; reason: string }>();
    const client = wsClient(server, `Bearer ${forged}`, closed.resolve);
    wsExecute(client, `{ viewer { email } }`).catch(() => undefined);
    expect(await closed.promise).toEqual({ code: 4403, reason: "Forbidden: the credential is invalid, expired or revoked" });
  });
});

describe("password sign-up and sign-in switched off", () => {
  const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token userErrors { code message } } }`;
  const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code message } } }`;

  it("refuses signUp with PASSWORD_SIGNUP=false and still signs existing password accounts in", async () => {
    const existing = await signUp(server, "Existing Password");
    const federatedOnly = await startSecondInstance(server, { AUTH_ISSUERS: trustedIssuers(idp), PASSWORD_SIGNUP: "false" });
    try {
      const refused = await graphqlData(federatedOnly, SIGN_UP, {
        input: { email: "new.person@host.test", name: "New", password: "correct horse battery" },
      });
      expect(refused.signUp).toEqual({
        token: null,
        userErrors: [{ code: "FORBIDDEN", message: expect.stringContaining("Signing up with a password is turned off") }],
      });
      expect(await sql(server.databaseUrl, "select 1 from users where email = 'new.person@host.test'")).toEqual([]);
      const signedIn = await graphqlData(federatedOnly, SIGN_IN, { input: { email: existing.email, password: existing.password } });
      expect(signedIn.signIn).toEqual({ token: expect.stringMatching(/^lk_session_/), userErrors: [] });
    } finally {
      await federatedOnly.stop();
    }
  });

  it("refuses password signIn with PASSWORD_SIGNIN=false, while tokens from the identity provider still work", async () => {
    const existing = await signUp(server, "Locked Out Password");
    const federatedOnly = await startSecondInstance(server, { AUTH_ISSUERS: trustedIssuers(idp), PASSWORD_SIGNIN: "false" });
    try {
      const refused = await graphqlData(federatedOnly, SIGN_IN, { input: { email: existing.email, password: existing.password } });
      expect(refused.signIn).toEqual({
        token: null,
        userErrors: [{ code: "FORBIDDEN", message: expect.stringContaining("Signing in with a password is turned off") }],
      });
      const hana = person("hana");
      const { viewer } = await graphqlData(federatedOnly, VIEWER, {}, await idp.accessToken(hana.subject, { email: hana.email }));
      expect(viewer.email).toBe(hana.email);
    } finally {
      await federatedOnly.stop();
    }
  });
});
