import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { decodeJwt, decodeProtectedHeader, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../../test/support/eventually";
import { graphqlData } from "../../../test/support/graphql-client";
import { graphqlWithHeaders, keyTeam } from "../../../test/support/keys";
import { startSecondInstance, startTestServer, type TestServer } from "../../../test/support/server";
import { ConfigError, loadConfig } from "../config";
import { deriveSigningKey } from "./signing-keys";

const PUBLIC_URL = "https://latchkey.test";
const masterKey = randomBytes(32).toString("base64");
const keyMaterial = { LATCHKEY_MASTER_KEY: masterKey, LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64") };

let server: TestServer;
let defaulted: TestServer;
beforeAll(async () => {
  [server, defaulted] = await Promise.all([startTestServer({ ...keyMaterial, PUBLIC_URL }), startTestServer()]);
});
afterAll(() => Promise.all([server?.stop(), defaulted?.stop()]));

/** GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { host } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        text += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

async function issuedToken(target: TestServer) {
  const team = await keyTeam(target);
  const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT" });
  const response = await fetch(`${target.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: key.publicId, client_secret: secret }),
  });
  const { access_token: accessToken } = (await response.json()) as { access_token: string };
  return { team, key, accessToken };
}

/** A token signed with the server's own signing key (derived from its master key), claims as we like. */
async function forge(payload: JWTPayload, header: Record<string, unknown> = {}) {
  const signingKey = await deriveSigningKey(Buffer.from(masterKey, "base64"));
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "ES256", kid: signingKey.kid, typ: "at+jwt", ...header })
    .sign(signingKey.privateKey);
}

const ORG = `query($id: ID!) { organization(id: $id) { name } }`;

describe("the OAuth issuer", () => {
  it("names PUBLIC_URL in the metadata whatever Host the request carries", async () => {
    const { status, body } = await getWithHost(`${server.url}/.well-known/oauth-authorization-server`, "attacker.example");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: PUBLIC_URL,
      token_endpoint: `${PUBLIC_URL}/oauth/token`,
      jwks_uri: `${PUBLIC_URL}/.well-known/jwks.json`,
    });
  });

  it("defaults to the listen address, with the port actually bound, outside production", async () => {
    const { body } = await getWithHost(`${defaulted.url}/.well-known/oauth-authorization-server`, "attacker.example");
    expect(body.issuer).toBe(defaulted.url);
    expect(defaulted.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it("puts PUBLIC_URL in tokens minted through a forged Host", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT" });
    const minted = await new Promise<string>((resolve, reject) => {
      const outgoing = request(
        `${server.url}/oauth/token`,
        { method: "POST", headers: { host: "attacker.example", "content-type": "application/x-www-form-urlencoded" } },
        (response) => {
          let text = "";
          response.on("data", (chunk) => {
            text += chunk;
          });
          response.on("end", () => resolve(JSON.parse(text).access_token));
        },
      );
      outgoing.on("error", reject);
      outgoing.end(new URLSearchParams({ grant_type: "client_credentials", client_id: key.publicId, client_secret: secret }).toString());
    });
    expect(decodeJwt(minted).iss).toBe(PUBLIC_URL);
  });
});

describe("PUBLIC_URL", () => {
  const refusal = (env: Record<string, string>) => {
    try {
      loadConfig(env, { dotenv: false });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    return null;
  };

  it("is required in production, and start refuses without it", () => {
    expect(refusal({ NODE_ENV: "production" })).toContain("PUBLIC_URL: is required in production");
    expect(loadConfig({ NODE_ENV: "production", PUBLIC_URL: "https://keys.example.com/" }, { dotenv: false }).publicUrl).toBe(
      "https://keys.example.com",
    );
    expect(loadConfig({}, { dotenv: false }).publicUrl).toBeUndefined();
  });

  it("must be a bare http(s) origin", () => {
    for (const PUBLIC_URL of [
      "keys.example.com",
      "ftp://keys.example.com",
      "https://keys.example.com/api",
      "https://u:p@keys.example.com",
    ]) {
      expect(refusal({ PUBLIC_URL })).toContain("PUBLIC_URL:");
    }
  });
});

describe("access tokens (RFC 9068)", () => {
  it("are accepted as issued: our issuer, at+jwt, 600 s", async () => {
    const { team, accessToken } = await issuedToken(server);
    const claims = decodeJwt(accessToken);
    expect(claims.iss).toBe(PUBLIC_URL);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(600);
    expect(decodeProtectedHeader(accessToken).typ).toBe("at+jwt");
    const forged = await forge(claims);
    for (const token of [accessToken, forged]) {
      const answer = await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${token}` }, { id: team.organization.id });
      expect(answer.status).toBe(200);
      expect(answer.data.organization.name).toBe("Claire Dealer");
    }
  });

  it("refuses a token signed by our key that names another issuer, lives ten years, lacks iat or exp, or is not at+jwt", async () => {
    const { team, accessToken } = await issuedToken(server);
    const claims = decodeJwt(accessToken);
    const now = Math.floor(Date.now() / 1000);
    const { iat: _iat, ...withoutIat } = claims;
    const { exp: _exp, ...withoutExp } = claims;
    const refusedTokens = {
      foreignIssuer: await forge({ ...claims, iss: "https://attacker.example" }),
      tenYears: await forge({ ...claims, iat: now, exp: now + 10 * 365 * 86_400 }),
      backdatedIat: await forge({ ...claims, iat: now - 10 * 365 * 86_400, exp: now + 300 }),
      withoutIat: await forge(withoutIat),
      withoutExp: await forge(withoutExp),
      plainJwt: await forge(claims, { typ: "JWT" }),
    };
    for (const [name, token] of Object.entries(refusedTokens)) {
      const answer = await graphqlWithHeaders(server, ORG, { authorization: `Bearer ${token}` }, { id: team.organization.id });
      expect({ name, status: answer.status }).toEqual({ name, status: 401 });
    }
  });

  it("work on every instance that shares PUBLIC_URL, and end on all of them within a second of a rotation", async () => {
    const second = await startSecondInstance(server, { ...keyMaterial, PUBLIC_URL, KEY_CACHE_SECONDS: "300" });
    try {
      const { team, key, accessToken } = await issuedToken(server);
      const ask = async () =>
        (await graphqlWithHeaders(second, ORG, { authorization: `Bearer ${accessToken}` }, { id: team.organization.id })).status;
      expect(await ask()).toBe(200);
      const { rotateKey } = await graphqlData(
        server,
        `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { userErrors { code } } }`,
        { input: { id: key.id } },
        team.owner.token,
      );
      expect(rotateKey.userErrors).toEqual([]);
      await eventually(async () => expect(await ask()).toBe(401), { timeoutMs: 1_000 });
    } finally {
      await second.stop();
    }
  });
});
