import { createPublicKey, createSecretKey } from "node:crypto";
import { decodeJwt, importJWK, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually";
import { logCapture, trustedIssuers } from "../support/federation";
import { graphql, graphqlData } from "../support/graphql-client";
import { newSigningKey, type SigningJwk, startOidcProvider, type TestIdentityProvider } from "../support/oidc-provider";
import { startTestServer, type TestServer } from "../support/server";

const VIEWER = `{ viewer { id email } }`;
const REFUSED = [
  expect.objectContaining({ message: "The credential sent is invalid, expired or revoked.", extensions: { code: "UNAUTHENTICATED" } }),
];

let idp: TestIdentityProvider;
/** Another trusted issuer, whose tokens the first one's key must not pass for. */
let otherIdp: TestIdentityProvider;
let server: TestServer;
const log = logCapture();
let counter = 0;

beforeAll(async () => {
  [idp, otherIdp] = await Promise.all([startOidcProvider(), startOidcProvider()]);
  // No cooldown: a rotated key is fetched on the first token that names it, without waiting.
  server = await startTestServer(
    { AUTH_ISSUERS: trustedIssuers(idp, otherIdp), AUTH_JWKS_COOLDOWN_SECONDS: "0", LOG_LEVEL: "info" },
    undefined,
    { logDestination: log.destination },
  );
});
afterAll(() => Promise.all([server?.stop(), idp?.stop(), otherIdp?.stop()]));

/** A real token from the provider, for a fresh person; forgeries start from its claims. */
async function genuine() {
  counter += 1;
  const token = await idp.accessToken(`forgery-${counter}`, { email: `forgery.${counter}@host.test` });
  return { token, claims: decodeJwt(token) };
}

/** Signs `payload` with the provider's real private key (and its kid), as only the provider can. */
async function signWithProviderKey(payload: JWTPayload, key: SigningJwk = idp.signingKey) {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt" }).sign(await importJWK(key, key.alg));
}

function base64url(value: unknown) {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Sends the token and expects the generic 401, then returns the log line that says which check failed. */
async function expectRefused(token: string) {
  const before = log.lines.length;
  const result = await graphql(server, VIEWER, {}, token);
  expect(result.status).toBe(401);
  expect(result.errors).toEqual(REFUSED);
  const [signature] = token.split(".").slice(2);
  if (signature) expect(log.raw).not.toContain(signature);
  return log.lines.slice(before).find((line) => line.msg === "federated token refused");
}

describe("forged tokens are refused with 401, and the log says which check failed", () => {
  it("accepts the provider's own token (the baseline every forgery below departs from)", async () => {
    const { token, claims } = await genuine();
    const { viewer } = await graphqlData(server, VIEWER, {}, token);
    expect(viewer.email).toBe(claims.email);
  });

  it("refuses alg none", async () => {
    const { claims } = await genuine();
    const unsigned = `${base64url({ alg: "none", typ: "at+jwt" })}.${base64url(claims)}.`;
    expect(await expectRefused(unsigned)).toMatchObject({ issuer: idp.issuer, check: expect.stringMatching(/algorithm|malformed/) });
  });

  it("refuses HS256 signed with the provider's public key as the HMAC secret", async () => {
    const { claims } = await genuine();
    const publicPem = createPublicKey({ key: idp.signingKey, format: "jwk" }).export({ type: "spki", format: "pem" });
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", kid: idp.signingKey.kid, typ: "at+jwt" })
      .sign(createSecretKey(Buffer.from(publicPem)));
    expect(await expectRefused(confused)).toMatchObject({ check: "algorithm not allowed" });
  });

  it("refuses a token signed by a key the issuer never published (unknown kid)", async () => {
    const { claims } = await genuine();
    const stranger = await newSigningKey();
    expect(await expectRefused(await signWithProviderKey(claims, stranger))).toMatchObject({
      check: expect.stringContaining("unknown kid"),
    });
  });

  it("refuses a token for another audience", async () => {
    const { claims } = await genuine();
    expect(await expectRefused(await signWithProviderKey({ ...claims, aud: "https://another-api.test" }))).toMatchObject({
      check: expect.stringMatching(/^aud: /),
    });
  });

  it("refuses a token naming an issuer nobody trusts, even signed with a trusted issuer's key", async () => {
    const { claims } = await genuine();
    const result = await graphql(server, VIEWER, {}, await signWithProviderKey({ ...claims, iss: "https://evil.test" }));
    expect(result.status).toBe(401);
    expect(result.errors).toEqual(REFUSED);
  });

  it("refuses a token naming another trusted issuer but signed with this one's key", async () => {
    const { claims } = await genuine();
    expect(await expectRefused(await signWithProviderKey({ ...claims, iss: otherIdp.issuer }))).toMatchObject({
      issuer: otherIdp.issuer,
      check: expect.stringMatching(/unknown kid|signature/),
    });
  });

  it("refuses an expired token", async () => {
    const { claims } = await genuine();
    const now = Math.floor(Date.now() / 1000);
    expect(await expectRefused(await signWithProviderKey({ ...claims, iat: now - 7200, exp: now - 3600 }))).toMatchObject({
      check: expect.stringMatching(/^exp/),
    });
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const { token, claims } = await genuine();
    const [header, , signature] = token.split(".");
    const tampered = `${header}.${base64url({ ...claims, sub: "forgery-1" })}.${signature}`;
    expect(await expectRefused(tampered)).toMatchObject({ check: "signature verification failed" });
  });
});

describe("the issuer's keys", () => {
  it("are fetched once and cached: many requests, no new fetch", async () => {
    const { token } = await genuine();
    await graphqlData(server, VIEWER, {}, token);
    const fetches = idp.jwksFetches;
    for (let round = 0; round < 20; round++) await graphqlData(server, VIEWER, {}, token);
    expect(idp.jwksFetches).toBe(fetches);
  });

  it("follow a rotation: after the provider restarts with a new key, its next token verifies and the old key's tokens stop", async () => {
    const before = await genuine();
    await graphqlData(server, VIEWER, {}, before.token);
    const oldKid = idp.signingKey.kid;
    await idp.restart({ signingKey: await newSigningKey("ES256") });
    expect(idp.signingKey.kid).not.toBe(oldKid);

    const after = await genuine();
    const { viewer } = await graphqlData(server, VIEWER, {}, after.token);
    expect(viewer.email).toBe(after.claims.email);
    expect(await expectRefused(before.token)).toMatchObject({ check: expect.stringContaining("unknown kid") });
  });

  it("do not stop the server when discovery fails: tokens are refused until the issuer answers", async () => {
    const late = await startOidcProvider();
    const token = await late.accessToken("late-1", { email: "late.1@host.test" });
    await late.stop();
    const lateLog = logCapture();
    const waiting = await startTestServer(
      { AUTH_ISSUERS: trustedIssuers(late), AUTH_JWKS_COOLDOWN_SECONDS: "0", LOG_LEVEL: "info" },
      undefined,
      { logDestination: lateLog.destination },
    );
    try {
      const refused = await graphql(waiting, VIEWER, {}, token);
      expect(refused.status).toBe(401);
      expect(lateLog.lines).toContainEqual(
        expect.objectContaining({ msg: expect.stringContaining("discovery failed"), issuer: late.issuer }),
      );
      await late.restart();
      const { viewer } = await eventually(() => graphqlData(waiting, VIEWER, {}, token));
      expect(viewer.email).toBe("late.1@host.test");
    } finally {
      await Promise.all([waiting.stop(), late.stop()]);
    }
  });
});
