import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSecret, SecretKind } from "../../server/src/keys/key-format";
import { eventually } from "../support/eventually";
import { graphqlData, type UntypedData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";

const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };
const HOST_APP = "https://crm.example.test";

let server: TestServer;
let listener: string;
beforeAll(async () => {
  // A long cache: a change seen here was evicted, not expired.
  server = await startTestServer({
    ...keyMaterial,
    VERIFY_PORT: "0",
    KEY_CACHE_SECONDS: "300",
    KEY_USAGE_FLUSH_SECONDS: "1",
    CORS_ORIGINS: HOST_APP,
  });
  if (!server.verifyUrl) throw new Error("VERIFY_PORT is set, yet no verify listener runs");
  listener = server.verifyUrl;
});
afterAll(() => server?.stop());

async function post(
  base: string,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
  path = "/v1/keys/verify",
) {
  const response = await fetch(`${base}${path}`, { method: "POST", headers, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as UntypedData };
}
const verify = (base: string, body: unknown) => post(base, JSON.stringify(body));

const REVOKE = `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { userErrors { code } } }`;

describe("the verify listener (VERIFY_PORT)", () => {
  it("listens on a port of its own and answers as the main port does, for valid, unknown, malformed and mistyped keys", async () => {
    expect(new URL(listener).port).not.toBe(new URL(server.url).port);
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ name: "Listened", scopes: ["AUDIT_READ"] });
    const pair = await team.createKey({ kind: "KEY_PAIR" });
    const bodies = [
      { key: secret },
      { key: newSecret(SecretKind.SECRET) },
      { key: "lk_sk_short" },
      { key: `${secret.slice(0, -1)}${secret.endsWith("0") ? "1" : "0"}` },
      { accessKey: pair.key.publicId, secretKey: pair.secret },
      { accessKey: "lkak_someoneelse", secretKey: pair.secret },
      { key: pair.secret },
    ];
    for (const body of bodies) {
      const [here, main] = [await verify(listener, body), await verify(server.url, body)];
      expect(here.status).toBe(main.status);
      expect(here.body).toEqual(main.body);
    }
    expect((await verify(listener, { key: secret })).body).toMatchObject({
      valid: true,
      keyId: key.id,
      name: "Listened",
      organizationId: team.organization.id,
      scopes: ["org:read", "audit:read"],
    });
  });

  it("refuses what the main port refuses, and serves nothing but verify", async () => {
    const plain = { "content-type": "text/plain" };
    expect(await post(listener, '{"key":"x"}', plain)).toMatchObject({ status: 415, body: { error: "unsupported_media_type" } });
    expect(await post(listener, "{not json")).toMatchObject({
      status: 400,
      body: { error: "bad_request", message: "The body must be JSON." },
    });
    expect(await verify(listener, { key: "x", extra: 1 })).toMatchObject({ status: 400, body: { error: "bad_request" } });
    expect(await post(listener, JSON.stringify({ key: "x".repeat(5000) }))).toMatchObject({ status: 413 });
    const get = await fetch(`${listener}/v1/keys/verify`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const graphqlHere = await post(listener, JSON.stringify({ query: "{ __typename }" }), undefined, "/graphql");
    expect(graphqlHere).toMatchObject({ status: 404, body: { error: "not_found" } });
    expect(graphqlHere.body.message).toContain("POST /v1/keys/verify only");
    const inUrl = await post(listener, "{}", undefined, `/v1/keys/verify?key=${newSecret(SecretKind.SECRET)}`);
    expect(inUrl).toMatchObject({ status: 400, body: { error: "credentials_in_url" } });
    expect(inUrl.headers.get("x-request-id")).toBeTruthy();
  });

  it("sees a key revoked on another instance, and its user's removal, within a second despite its cache", async () => {
    const second = await startSecondInstance(server, keyMaterial);
    try {
      const team = await keyTeam(server);
      const revoked = await team.createKey();
      const member = await team.addMember("Mapped Member", "Admin");
      const memberId = (await graphqlData(server, `{ viewer { id } }`, {}, member.token)).viewer.id as string;
      const mapped = await team.createKey({ mappedUserId: memberId });
      // Both verified once here: both are cached for five minutes.
      expect((await verify(listener, { key: revoked.secret })).body.code).toBe("VALID");
      expect((await verify(listener, { key: mapped.secret })).body.code).toBe("VALID");
      await graphqlData(second, REVOKE, { input: { id: revoked.key.id, reason: "compromised" } }, team.owner.token);
      await eventually(async () => expect((await verify(listener, { key: revoked.secret })).body.code).toBe("REVOKED"), {
        timeoutMs: 1_000,
      });
      const { removeMember } = await graphqlData(
        second,
        `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { userErrors { code } } }`,
        { input: { membershipId: member.membershipId } },
        team.owner.token,
      );
      expect(removeMember.userErrors).toEqual([]);
      await eventually(async () => expect((await verify(listener, { key: mapped.secret })).body.code).toBe("OWNER_REMOVED"), {
        timeoutMs: 1_000,
      });
    } finally {
      await second.stop();
    }
  });

  it("records a key's last use, as the main port does", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey();
    const lastUsedAt = async () =>
      (await graphqlData(server, `query($id: ID!) { node(id: $id) { ... on ApiKey { lastUsedAt } } }`, { id: key.id }, team.owner.token))
        .node.lastUsedAt as string | null;
    expect(await lastUsedAt()).toBeNull();
    const before = Date.now();
    expect((await verify(listener, { key: secret })).body.valid).toBe(true);
    const used = await eventually(async () => {
      const at = await lastUsedAt();
      expect(at).not.toBeNull();
      return new Date(at as string).getTime();
    });
    expect(used).toBeGreaterThanOrEqual(before - 1_000);
  });

  it("answers browsers on listed origins, and refuses other origins' preflights", async () => {
    const team = await keyTeam(server);
    const { secret } = await team.createKey();
    const fromHostApp = await post(listener, JSON.stringify({ key: secret }), { "content-type": "application/json", origin: HOST_APP });
    expect(fromHostApp.body.valid).toBe(true);
    expect(fromHostApp.headers.get("access-control-allow-origin")).toBe(HOST_APP);
    const preflight = (origin: string) =>
      fetch(`${listener}/v1/keys/verify`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    const [listed, onMainPort] = [
      await preflight(HOST_APP),
      await fetch(`${server.url}/v1/keys/verify`, {
        method: "OPTIONS",
        headers: { origin: HOST_APP, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      }),
    ];
    expect(listed.status).toBe(204);
    for (const header of [
      "access-control-allow-origin",
      "access-control-allow-methods",
      "access-control-allow-headers",
      "access-control-max-age",
      "vary",
    ]) {
      expect(listed.headers.get(header)).toBe(onMainPort.headers.get(header));
    }
    const other = await preflight("https://elsewhere.example.test");
    expect(other.status).toBe(403);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(await other.json()).toMatchObject({ error: "origin_not_allowed" });
  });

  it("stops with its server: the port refuses connections afterwards", async () => {
    const other = await startTestServer({ VERIFY_PORT: "0" });
    const url = other.verifyUrl as string;
    expect((await verify(url, { key: "lk_sk_short" })).body.code).toBe("MALFORMED");
    await other.stop();
    await expect(fetch(`${url}/v1/keys/verify`, { method: "POST", body: "{}" })).rejects.toThrow();
  });
});
