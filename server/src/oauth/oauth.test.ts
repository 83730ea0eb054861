import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oauth from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlData } from "../../../test/support/graphql-client";
import { graphqlWithHeaders, keyTeam, mistyped } from "../../../test/support/keys";
import { startTestServer, type TestServer } from "../../../test/support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** A stock OAuth client (openid-client), configured by discovery from our RFC 8414 metadata. */
async function discover(clientId: string, clientSecret: string, method: "basic" | "post" = "basic") {
  const auth = method === "basic" ? oauth.ClientSecretBasic(clientSecret) : oauth.ClientSecretPost(clientSecret);
  return oauth.discovery(new URL(server.url), clientId, undefined, auth, { algorithm: "oauth2", execute: [oauth.allowInsecureRequests] });
}

const ORG = `query($id: ID!) { organization(id: $id) { name auditLog(first: 1) { totalCount } } }`;

describe("OAuth 2.0 client credentials", () => {
  it("issues a JWT that a standard JWT library verifies against the JWKS, and that authenticates GraphQL", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT", scopes: ["AUDIT_READ"] });
    const config = await discover(key.publicId, secret);
    const tokens = await oauth.clientCredentialsGrant(config, { scope: "org:read audit:read" });
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(tokens.expires_in).toBe(600);
    expect(tokens.scope).toBe("org:read audit:read");

    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: server.url, audience: "latchkey-api" });
    expect(protectedHeader).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    expect(payload).toMatchObject({ sub: key.publicId, scope: "org:read audit:read", org: team.organization.id, key_id: key.id });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(600);

    const answer = await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${tokens.access_token}` }, { id: team.organization.id });
    expect(answer.data.organization.name).toBe("Claire Dealer");
    expect(answer.data.organization.auditLog.totalCount).toBeGreaterThan(0);
  });

  it("narrows a token to the scopes asked for, and refuses scopes the client lacks", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT", scopes: ["AUDIT_READ"] });
    const config = await discover(key.publicId, secret, "post");
    const narrow = await oauth.clientCredentialsGrant(config, { scope: "org:read" });
    const answer = await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${narrow.access_token}` }, { id: team.organization.id });
    expect(answer.data.organization).toEqual({ name: "Claire Dealer", auditLog: null });
    await expect(oauth.clientCredentialsGrant(config, { scope: "keys:manage:all" })).rejects.toMatchObject({ error: "invalid_scope" });
  });

  it("answers with RFC 6749 errors", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT" });
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(body),
      });
    const wrongSecret = await post({ grant_type: "client_credentials", client_id: key.publicId, client_secret: mistyped(secret) });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: "invalid_client", error_description: "Client authentication failed." });
    const password = await post({ grant_type: "password", client_id: key.publicId, client_secret: secret });
    expect(await password.json()).toMatchObject({ error: "unsupported_grant_type" });
    const missing = await post({ client_id: key.publicId, client_secret: secret });
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });
    const secretKey = await team.createKey({ kind: "SECRET" });
    const notAClient = await post({ grant_type: "client_credentials", client_id: "lkci_x", client_secret: secretKey.secret });
    expect(await notAClient.json()).toMatchObject({ error: "invalid_client" });
  });

  it("holds live tokens to the key's current scopes and address allowlist", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT", scopes: ["AUDIT_READ"] });
    const tokens = await oauth.clientCredentialsGrant(await discover(key.publicId, secret));
    const headers = { authorization: `Bearer ${tokens.access_token}` };
    const UPDATE = `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { userErrors { code } } }`;
    expect((await graphqlWithHeaders(server, ORG, headers, { id: team.organization.id })).data.organization.auditLog).not.toBeNull();
    await graphqlData(server, UPDATE, { input: { id: key.id, scopes: [] } }, team.owner.token);
    expect((await graphqlWithHeaders(server, ORG, headers, { id: team.organization.id })).data.organization.auditLog).toBeNull();
    await graphqlData(server, UPDATE, { input: { id: key.id, allowedCidrs: ["10.0.0.0/8"] } }, team.owner.token);
    expect((await graphqlWithHeaders(server, ORG, headers, { id: team.organization.id })).status).toBe(401);
  });

  it("ends tokens earned by a secret when a rotation without grace retires it, and keeps them through a grace period", async () => {
    const team = await keyTeam(server);
    const ROTATE = `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { secret userErrors { code } } }`;
    const rotate = async (id: string, gracePeriodHours: number) => {
      const { rotateKey } = await graphqlData(server, ROTATE, { input: { id, gracePeriodHours } }, team.owner.token);
      expect(rotateKey.userErrors).toEqual([]);
      return rotateKey.secret as string;
    };
    const ask = (token: string) => graphqlWithHeaders(server, ORG, { authorization: `Bearer ${token}` }, { id: team.organization.id });

    const abrupt = await team.createKey({ kind: "OAUTH_CLIENT" });
    const before = await oauth.clientCredentialsGrant(await discover(abrupt.key.publicId, abrupt.secret));
    expect((await ask(before.access_token)).status).toBe(200);
    const newSecret = await rotate(abrupt.key.id, 0);
    expect((await ask(before.access_token)).status).toBe(401);
    const after = await oauth.clientCredentialsGrant(await discover(abrupt.key.publicId, newSecret));
    expect((await ask(after.access_token)).data.organization.name).toBe("Claire Dealer");

    const gentle = await team.createKey({ kind: "OAUTH_CLIENT" });
    const earned = await oauth.clientCredentialsGrant(await discover(gentle.key.publicId, gentle.secret));
    await rotate(gentle.key.id, 1);
    expect((await ask(earned.access_token)).data.organization.name).toBe("Claire Dealer");
    const duringGrace = await oauth.clientCredentialsGrant(await discover(gentle.key.publicId, gentle.secret));
    expect((await ask(duringGrace.access_token)).status).toBe(200);
    // A second rotation without grace ends the old secret, and what it earned, at once.
    await rotate(gentle.key.id, 0);
    expect((await ask(earned.access_token)).status).toBe(401);
    expect((await ask(duringGrace.access_token)).status).toBe(401);
  });

  it("stops a revoked client's tokens at once", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT" });
    const tokens = await oauth.clientCredentialsGrant(await discover(key.publicId, secret));
    const headers = { authorization: `Bearer ${tokens.access_token}` };
    expect((await graphqlWithHeaders(server, ORG, headers, { id: team.organization.id })).status).toBe(200);
    await graphqlData(
      server,
      `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { userErrors { code } } }`,
      { input: { id: key.id, reason: "rotating vendors" } },
      team.owner.token,
    );
    expect((await graphqlWithHeaders(server, ORG, headers, { id: team.organization.id })).status).toBe(401);
    const tampered = `${tokens.access_token.slice(0, -4)}AAAA`;
    expect((await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${tampered}` }, { id: team.organization.id })).status).toBe(401);
  });
});
