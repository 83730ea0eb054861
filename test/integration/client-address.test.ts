import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/src/config";
import { auditLog } from "../support/audit";
import { graphqlWithHeaders, keyTeam } from "../support/keys";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";
import { wsClient, wsExecute } from "../support/ws-client";

// Three instances on one database, differing only in TRUST_PROXY. The test itself plays the proxy:
// it connects from 127.0.0.1 and writes X-Forwarded-For as a proxy would.
const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };
let oneProxy: TestServer;
let listedProxies: TestServer;
let noProxy: TestServer;
beforeAll(async () => {
  oneProxy = await startTestServer({ ...keyMaterial, TRUST_PROXY: "1" });
  listedProxies = await startSecondInstance(oneProxy, { ...keyMaterial, TRUST_PROXY: "loopback, 10.0.0.0/8" });
  noProxy = await startSecondInstance(oneProxy, keyMaterial);
});
afterAll(async () => {
  await noProxy?.stop();
  await listedProxies?.stop();
  await oneProxy?.stop();
});

const CLIENT = "203.0.113.7";
const FORGED = "198.51.100.66";
const ELSEWHERE = "192.0.2.44";
const ORG = `query($id: ID!) { organization(id: $id) { name } }`;
const RENAME = `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { userErrors { code } } }`;

/** A team with a SECRET key usable only from `allowedCidrs`. */
async function restrictedKey(allowedCidrs: string[]) {
  const team = await keyTeam(oneProxy);
  const { key, secret } = await team.createKey({ allowedCidrs });
  return { team, key, secret };
}

async function verify(target: TestServer, secret: string, forwardedFor: string) {
  const response = await fetch(`${target.url}/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify({ key: secret }),
  });
  return ((await response.json()) as { code: string }).code;
}

async function graphqlStatus(target: TestServer, secret: string, organizationId: string, forwardedFor: string) {
  const answer = await graphqlWithHeaders(
    target,
    ORG,
    { authorization: `Bearer ${secret}`, "x-forwarded-for": forwardedFor },
    { id: organizationId },
  );
  return answer.status;
}

/** Runs ORG over graphql-ws; the socket closes with 4403 when the key is refused. */
async function overWebSocket(target: TestServer, secret: string, organizationId: string, forwardedFor: string) {
  let closedWith: number | null = null;
  const client = wsClient(target, `Bearer ${secret}`, (event) => (closedWith = event.code), { "x-forwarded-for": forwardedFor });
  try {
    const result = await wsExecute(client, ORG, { id: organizationId }).catch(() => null);
    return result?.data?.organization ? "answered" : `closed ${closedWith}`;
  } finally {
    await client.dispose();
  }
}

describe("the client's address behind one proxy (TRUST_PROXY=1)", () => {
  // The proxy appends the peer it saw; whatever the client sent sits to the left of it.
  const forgedToLook = `${CLIENT}, ${FORGED}`;
  const proxied = `${FORGED}, ${CLIENT}`;

  it("is the entry the proxy appended, on the verify endpoint, GraphQL over HTTP and graphql-ws", async () => {
    const { team, secret } = await restrictedKey([CLIENT]);
    const organizationId = team.organization.id;
    expect(await verify(oneProxy, secret, proxied)).toBe("VALID");
    expect(await verify(oneProxy, secret, forgedToLook)).toBe("ADDRESS_NOT_ALLOWED");
    expect(await graphqlStatus(oneProxy, secret, organizationId, proxied)).toBe(200);
    expect(await graphqlStatus(oneProxy, secret, organizationId, forgedToLook)).toBe(401);
    expect(await overWebSocket(oneProxy, secret, organizationId, proxied)).toBe("answered");
    expect(await overWebSocket(oneProxy, secret, organizationId, forgedToLook)).toBe("closed 4403");
  });

  it("is the entry the proxy appended at the OAuth token endpoint", async () => {
    const team = await keyTeam(oneProxy);
    const { key, secret } = await team.createKey({ kind: "OAUTH_CLIENT", allowedCidrs: [CLIENT] });
    const token = (forwardedFor: string) =>
      fetch(`${oneProxy.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": forwardedFor },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: key.publicId, client_secret: secret }),
      });
    expect((await token(proxied)).status).toBe(200);
    expect((await token(forgedToLook)).status).toBe(401);
  });

  it("is what the audit log records, for changes over HTTP and over graphql-ws", async () => {
    const team = await keyTeam(oneProxy);
    const { key } = await team.createKey();
    const session = `Bearer ${team.owner.token}`;
    await graphqlWithHeaders(
      oneProxy,
      RENAME,
      { authorization: session, "x-forwarded-for": proxied },
      { input: { id: key.id, name: "Over HTTP" } },
    );
    const client = wsClient(oneProxy, session, undefined, { "x-forwarded-for": `${CLIENT}, ${ELSEWHERE}` });
    try {
      await wsExecute(client, RENAME, { input: { id: key.id, name: "Over WebSocket" } });
    } finally {
      await client.dispose();
    }
    const entries = (await auditLog(oneProxy, team.owner.token, team.organization.id, { targetId: key.id })).nodes;
    expect(entries.filter((entry) => entry.action === "KEY_UPDATED").map((entry) => entry.ipAddress)).toEqual([ELSEWHERE, CLIENT]);
  });
});

describe("the client's address behind listed proxies (TRUST_PROXY=loopback,10.0.0.0/8)", () => {
  it("is the first untrusted entry from the right", async () => {
    const { team, secret } = await restrictedKey([CLIENT]);
    const organizationId = team.organization.id;
    // Two of our proxies (10.1.2.3, then the test on loopback) passed on what the client sent.
    const throughOurProxies = `${FORGED}, ${CLIENT}, 10.1.2.3`;
    // A stranger between the client and our proxies is where trust ends, whatever it claims.
    const throughAStranger = `${CLIENT}, ${FORGED}, 10.1.2.3`;
    expect(await verify(listedProxies, secret, throughOurProxies)).toBe("VALID");
    expect(await verify(listedProxies, secret, throughAStranger)).toBe("ADDRESS_NOT_ALLOWED");
    expect(await graphqlStatus(listedProxies, secret, organizationId, throughOurProxies)).toBe(200);
    expect(await graphqlStatus(listedProxies, secret, organizationId, throughAStranger)).toBe(401);
    expect(await overWebSocket(listedProxies, secret, organizationId, throughOurProxies)).toBe("answered");
    expect(await overWebSocket(listedProxies, secret, organizationId, throughAStranger)).toBe("closed 4403");
  });
});

describe("the client's address without a proxy (TRUST_PROXY unset)", () => {
  it("is the socket's peer, and X-Forwarded-For is ignored", async () => {
    const claimed = await restrictedKey([CLIENT]);
    const organizationId = claimed.team.organization.id;
    expect(await verify(noProxy, claimed.secret, CLIENT)).toBe("ADDRESS_NOT_ALLOWED");
    expect(await graphqlStatus(noProxy, claimed.secret, organizationId, CLIENT)).toBe(401);
    expect(await overWebSocket(noProxy, claimed.secret, organizationId, CLIENT)).toBe("closed 4403");

    const local = await restrictedKey(["127.0.0.1"]);
    expect(await verify(noProxy, local.secret, CLIENT)).toBe("VALID");
    expect(await overWebSocket(noProxy, local.secret, local.team.organization.id, CLIENT)).toBe("answered");
    const session = `Bearer ${local.team.owner.token}`;
    await graphqlWithHeaders(
      noProxy,
      RENAME,
      { authorization: session, "x-forwarded-for": CLIENT },
      { input: { id: local.key.id, name: "Renamed" } },
    );
    const entries = (await auditLog(noProxy, local.team.owner.token, local.team.organization.id, { targetId: local.key.id })).nodes;
    expect(entries.find((entry) => entry.action === "KEY_UPDATED")?.ipAddress).toBe("127.0.0.1");
  });
});

describe("TRUST_PROXY validation", () => {
  const trustProxy = (value: string) => loadConfig({ TRUST_PROXY: value }, { dotenv: false }).trustProxy;
  const refusal = (value: string) => {
    try {
      trustProxy(value);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error(`TRUST_PROXY=${value} was accepted`);
  };

  it("reads false, a number of proxies, or proxy addresses", () => {
    expect(loadConfig({}, { dotenv: false }).trustProxy).toBe(false);
    expect(trustProxy("false")).toBe(false);
    expect(trustProxy("2")).toEqual({ hops: 2 });
    expect(trustProxy("10.0.0.0/8, loopback,2001:db8::1")).toEqual({ addresses: ["10.0.0.0/8", "loopback", "2001:db8::1"] });
  });

  it("refuses true, which would let any client choose its address, and names a bad proxy address", () => {
    expect(refusal("true")).toContain("TRUST_PROXY: `true` would trust every X-Forwarded-For entry");
    expect(refusal("10.0.0.0/8,10.0.0.0/33,proxy.internal")).toMatch(
      /TRUST_PROXY: "10\.0\.0\.0\/33" is not an IP address.*\n.*TRUST_PROXY: "proxy\.internal" is not an IP address/,
    );
  });
});
