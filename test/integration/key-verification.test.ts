import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSecret, SecretKind } from "../../server/src/keys/key-format";
import { eventually } from "../support/eventually";
import { graphql, graphqlData, type UntypedData } from "../support/graphql-client";
import { databaseId } from "../support/ids";
import { graphqlWithHeaders, keyTeam } from "../support/keys";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";
import { sql } from "../support/sql";

const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(keyMaterial);
});
afterAll(() => server?.stop());

async function verify(target: TestServer, body: unknown) {
  const response = await fetch(`${target.url}/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as UntypedData };
}

/** A well-formed key with a valid checksum that Latchkey never issued. */
const unknownKey = () => newSecret(SecretKind.SECRET);

describe("POST /v1/keys/verify and verifyKey", () => {
  it("describes a valid key: owner, organisation, scopes, expiry", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ name: "Verified", scopes: ["AUDIT_READ"] });
    const { status, body } = await verify(server, { key: secret });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      valid: true,
      code: "VALID",
      keyId: key.id,
      name: "Verified",
      kind: "SECRET",
      organizationId: team.organization.id,
      locationId: null,
      scopes: ["org:read", "audit:read"],
    });
    expect(body.ownerId).toBe((await graphqlData(server, `{ viewer { id } }`, {}, team.owner.token)).viewer.id);
    expect(new Date(body.expiresAt).getTime()).toBe(new Date(key.expiresAt).getTime());
    const { data } = await graphql(server, `query($secret: String!) { verifyKey(secret: $secret) { valid code keyId scopes } }`, {
      secret,
    });
    expect(data?.verifyKey).toEqual({ valid: true, code: "VALID", keyId: key.id, scopes: ["ORG_READ", "AUDIT_READ"] });
  });

  it("verifies pairs by their public half and secret", async () => {
    const team = await keyTeam(server);
    const pair = await team.createKey({ kind: "KEY_PAIR" });
    expect((await verify(server, { accessKey: pair.key.publicId, secretKey: pair.secret })).body).toMatchObject({
      valid: true,
      kind: "KEY_PAIR",
    });
    expect((await verify(server, { accessKey: "lkak_someoneelse", secretKey: pair.secret })).body).toMatchObject({
      valid: false,
      code: "NOT_FOUND",
      keyId: null,
    });
  });

  it("refuses a secret sent as another kind of key as NOT_FOUND, whether or not its key is cached", async () => {
    const team = await keyTeam(server);
    const pair = await team.createKey({ kind: "KEY_PAIR" });
    const single = await team.createKey();
    const refused = { valid: false, code: "NOT_FOUND", keyId: null, name: null };
    const asOtherKinds = async () => {
      expect((await verify(server, { key: pair.secret })).body).toMatchObject(refused);
      expect((await verify(server, { accessKey: pair.key.publicId, secretKey: single.secret })).body).toMatchObject(refused);
    };
    await asOtherKinds();
    // Each answered once as its own kind: both records are now in the cache.
    expect((await verify(server, { accessKey: pair.key.publicId, secretKey: pair.secret })).body).toMatchObject({ valid: true });
    expect((await verify(server, { key: single.secret })).body).toMatchObject({ valid: true });
    await asOtherKinds();
    const typo = `${single.secret.slice(0, -7)}${single.secret.at(-7) === "a" ? "b" : "a"}${single.secret.slice(-6)}`;
    expect((await verify(server, { key: typo })).body).toMatchObject({ valid: false, code: "BAD_CHECKSUM" });
  });

  it("rejects malformed and mistyped keys without a lookup, and unknown ones as NOT_FOUND", async () => {
    const team = await keyTeam(server);
    const { secret } = await team.createKey();
    const typo = `${secret.slice(0, -7)}${secret.at(-7) === "a" ? "b" : "a"}${secret.slice(-6)}`;
    expect((await verify(server, { key: "hello" })).body).toMatchObject({ valid: false, code: "MALFORMED" });
    expect((await verify(server, { key: typo })).body).toMatchObject({ valid: false, code: "BAD_CHECKSUM" });
    expect((await verify(server, { key: unknownKey() })).body).toMatchObject({
      valid: false,
      code: "NOT_FOUND",
      keyId: null,
      organizationId: null,
    });
    expect((await verify(server, { key: 42 })).status).toBe(400);
  });

  it("gives every answer its own request ID of at most 12 characters when the client sends none", async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async () => {
        const response = await fetch(`${server.url}/v1/keys/verify`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ key: unknownKey() }),
        });
        return response.headers.get("x-request-id") ?? "";
      }),
    );
    expect(new Set(ids).size).toBe(3);
    // Longer, V8 would keep each ID as a rope, which Node's check of header values flattens on every answer (see verify-handler).
    for (const id of ids) expect(id).toMatch(/^[\w.-]{1,12}$/);
  });

  it("reports revoked and expired keys as such", async () => {
    const team = await keyTeam(server);
    const revoked = await team.createKey();
    await graphqlData(
      server,
      `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { userErrors { code } } }`,
      { input: { id: revoked.key.id, reason: "test" } },
      team.owner.token,
    );
    expect((await verify(server, { key: revoked.secret })).body).toMatchObject({ valid: false, code: "REVOKED" });
    const expiring = await team.createKey({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await sql(
      server.databaseUrl,
      "update api_keys set expires_at = now() - interval '1 minute' where id = (select key_id from key_secrets order by created_at desc limit 1)",
    );
    const stale = await verify(server, { key: expiring.secret });
    expect(stale.body).toMatchObject({ valid: false, code: "EXPIRED" });
  });

  it("stops a revoked key on every instance within a second, despite each instance's cache", async () => {
    const second = await startSecondInstance(server, { ...keyMaterial, KEY_CACHE_SECONDS: "300" });
    try {
      const team = await keyTeam(server);
      const { key, secret } = await team.createKey();
      const ORG = `query($id: ID!) { organization(id: $id) { name } }`;
      expect((await graphqlWithHeaders(second, ORG, { authorization: `Bearer ${secret}` }, { id: team.organization.id })).status).toBe(200);
      expect((await verify(second, { key: secret })).body.valid).toBe(true);
      await graphqlData(
        server,
        `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { userErrors { code } } }`,
        { input: { id: key.id, reason: "compromised" } },
        team.owner.token,
      );
      await eventually(async () => expect((await verify(second, { key: secret })).body.code).toBe("REVOKED"), { timeoutMs: 1_000 });
      expect((await graphqlWithHeaders(second, ORG, { authorization: `Bearer ${secret}` }, { id: team.organization.id })).status).toBe(401);
    } finally {
      await second.stop();
    }
  });
});

describe("POST /v1/keys/report-leak", () => {
  it("revokes reported keys, raises key.leaked, and answers the same whatever matched", async () => {
    const team = await keyTeam(server);
    const leaked = await team.createKey({ name: "Pasted in a gist" });
    const report = (secrets: string[]) =>
      fetch(`${server.url}/v1/keys/report-leak`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ secrets }),
      });
    const hit = await report([leaked.secret, "not a key"]);
    const miss = await report([unknownKey(), "lk_sk_nothing"]);
    expect(hit.status).toBe(202);
    expect(miss.status).toBe(202);
    expect(await hit.json()).toEqual({ received: 2 });
    expect(await miss.json()).toEqual({ received: 2 });
    expect((await verify(server, { key: leaked.secret })).body).toMatchObject({ valid: false, code: "REVOKED" });
    const [event] = await sql(server.databaseUrl, "select type from domain_events where type = 'key.leaked' and payload->>'keyId' = $1", [
      databaseId(leaked.key.id),
    ]);
    expect(event).toEqual({ type: "key.leaked" });
    const tooMany = await report(Array.from({ length: 1001 }, () => leaked.secret));
    expect(tooMany.status).toBe(400);
  });
});

describe("rate limiting", () => {
  it("slows down an address that keeps failing, for keys and sessions alike", async () => {
    const limited = await startTestServer(keyMaterial);
    try {
      let status = 200;
      let attempts = 0;
      while (status !== 429 && attempts < 40) {
        attempts++;
        status = (await verify(limited, { key: `lk_sk_${"0".repeat(49)}` })).status;
      }
      expect(attempts).toBe(31);
      const graphqlAttempt = await graphqlWithHeaders(limited, `{ viewer { email } }`, { authorization: "Bearer lk_session_nope" });
      expect(graphqlAttempt.status).toBe(429);
      expect(graphqlAttempt.errors?.[0].extensions.code).toBe("RATE_LIMITED");
    } finally {
      await limited.stop();
    }
  });
});

describe("leak reports and disabled keys", () => {
  it("revokes a reported key even while it is disabled, so enabling it cannot revive the leaked secret", async () => {
    const team = await keyTeam(server);
    const { key, secret } = await team.createKey({ name: "Parked" });
    await graphqlData(
      server,
      `mutation($input: KeyIdInput!) { disableKey(input: $input) { userErrors { code } } }`,
      { input: { id: key.id } },
      team.owner.token,
    );
    await fetch(`${server.url}/v1/keys/report-leak`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ secrets: [secret] }),
    });
    const enable = await graphqlData(
      server,
      `mutation($input: KeyIdInput!) { enableKey(input: $input) { userErrors { code } } }`,
      { input: { id: key.id } },
      team.owner.token,
    );
    expect(enable.enableKey.userErrors).toEqual([{ code: "KEY_REVOKED" }]);
    expect((await verify(server, { key: secret })).body.code).toBe("REVOKED");
  });
});
