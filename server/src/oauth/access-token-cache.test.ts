import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../../test/support/eventually";
import { graphqlData } from "../../../test/support/graphql-client";
import { graphqlWithHeaders, keyTeam } from "../../../test/support/keys";
import { startSecondInstance, startTestServer, type TestServer } from "../../../test/support/server";

const PUBLIC_URL = "https://latchkey.test";
// Both instances verify the same tokens: one master key, one issuer; long caches, so only eviction ends an entry.
const env = {
  LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64"),
  LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"),
  PUBLIC_URL,
  KEY_CACHE_SECONDS: "300",
  TOKEN_CACHE_SECONDS: "300",
};

let server: TestServer;
let second: TestServer;
beforeAll(async () => {
  server = await startTestServer(env);
  second = await startSecondInstance(server, env);
});
afterAll(() => Promise.all([second?.stop(), server?.stop()]));

const ORG = `query($id: ID!) { organization(id: $id) { name } }`;

async function issuedToken() {
  const team = await keyTeam(server);
  const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT" });
  const response = await fetch(`${server.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: key.publicId, client_secret: secret }),
  });
  const { access_token: accessToken } = (await response.json()) as { access_token: string };
  const ask = async (target: TestServer, token = accessToken) =>
    (await graphqlWithHeaders(target, ORG, { authorization: `Bearer ${token}` }, { id: team.organization.id })).status;
  return { team, key, accessToken, ask };
}

/** The token with one character of its signature changed: header and claims untouched. */
function withSignatureCharacterChanged(token: string, index: number) {
  const dot = token.lastIndexOf(".") + 1 + index;
  const replacement = token[dot] === "A" ? "B" : "A";
  return `${token.slice(0, dot)}${replacement}${token.slice(dot + 1)}`;
}

describe("verified access tokens kept in memory", () => {
  it("cannot outlive a revocation: the cached token is refused at once here and within a second on another instance", async () => {
    const { team, key, ask } = await issuedToken();
    // Twice each, so that the second answer comes from both instances' caches.
    for (const target of [server, second, server, second]) expect(await ask(target)).toBe(200);
    const { revokeKey } = await graphqlData(
      server,
      `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { userErrors { code } } }`,
      { input: { id: key.id, reason: "leaked" } },
      team.owner.token,
    );
    expect(revokeKey.userErrors).toEqual([]);
    expect(await ask(server)).toBe(401);
    await eventually(async () => expect(await ask(second)).toBe(401), { timeoutMs: 1_000 });
  });

  it("serves a tampered token sharing the cached one's header and claims from no cache: it is refused", async () => {
    const { accessToken, ask } = await issuedToken();
    expect(await ask(server)).toBe(200);
    expect(await ask(server)).toBe(200);
    // The first character and one in the middle: every bit of them counts (the last one's low bits may not).
    for (const index of [0, 40]) {
      const tampered = withSignatureCharacterChanged(accessToken, index);
      expect(tampered).not.toBe(accessToken);
      expect(await ask(server, tampered)).toBe(401);
    }
    expect(await ask(server, `${accessToken}A`)).toBe(401);
    expect(await ask(server)).toBe(200);
  });
});
