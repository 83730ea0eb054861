import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSecret, SecretKind } from "../../server/src/keys/key-format";
import type { UntypedData } from "../support/graphql-client";
import { basic, graphqlWithHeaders, keyTeam, mistyped } from "../support/keys";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";
import { rowCounts } from "../support/sql";

// The test plays a proxy (TRUST_PROXY=loopback), so each test speaks from addresses of its own and
// the per-address windows of one test never touch another's.
const keyMaterial = { LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"), LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64") };
let server: TestServer;
/** A second instance on the same database with tight sign-up and sign-in limits. */
let strict: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ...keyMaterial, TRUST_PROXY: "loopback" });
  strict = await startSecondInstance(server, {
    ...keyMaterial,
    TRUST_PROXY: "loopback",
    SIGN_UPS_PER_HOUR: "3",
    SIGN_INS_PER_MINUTE: "40",
  });
});
afterAll(async () => {
  await strict?.stop();
  await server?.stop();
});

let nextAddress = 10;
/** A client address no other test in this file uses. */
const freshAddress = () => `203.0.113.${nextAddress++}`;

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { email } userErrors { code message } } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }`;

async function verifyFrom(address: string, body: unknown, contentType = "application/json") {
  const response = await fetch(`${server.url}/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": contentType, "x-forwarded-for": address },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as UntypedData };
}

function graphqlFrom(
  address: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  target = server,
) {
  return graphqlWithHeaders(target, query, { "x-forwarded-for": address, ...headers }, variables);
}

/** Fails `count` verifications of made-up keys from `address`, each answered as usual (200, invalid). */
async function failVerifications(address: string, count: number, body: () => unknown = () => ({ key: newSecret(SecretKind.SECRET) })) {
  for (let attempt = 0; attempt < count; attempt++) {
    const { status, body: answer } = await verifyFrom(address, body());
    expect(status).toBe(200);
    expect(answer.valid).toBe(false);
  }
}

describe("a web page cannot lock a visitor's network out", () => {
  it("refuses verify and report-leak bodies that are not application/json with 415, and counts nothing", async () => {
    const address = freshAddress();
    for (let attempt = 0; attempt < 35; attempt++) {
      const { status, body } = await verifyFrom(address, { key: newSecret(SecretKind.SECRET) }, "text/plain");
      expect(status).toBe(415);
      expect(body.message).toMatch(/application\/json/);
    }
    // Nothing above counted as a failure: a wrong key is still answered, not refused.
    expect((await verifyFrom(address, { key: newSecret(SecretKind.SECRET) })).status).toBe(200);

    const team = await keyTeam(server);
    const { secret } = await team.createKey({ name: "Reported as text" });
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded"]) {
      const leak = await fetch(`${server.url}/v1/keys/report-leak`, {
        method: "POST",
        headers: { "content-type": contentType, "x-forwarded-for": address },
        body: contentType === "text/plain" ? JSON.stringify({ secrets: [secret] }) : `secrets=${secret}`,
      });
      expect(leak.status).toBe(415);
      expect(((await leak.json()) as { message: string }).message).toMatch(/application\/json/);
    }
    expect((await verifyFrom(address, { key: secret })).body).toMatchObject({ valid: true, code: "VALID" });
  });

  it("keeps answering valid keys and sessions from an address that has used up its failures, and refuses only failing attempts", async () => {
    const address = freshAddress();
    const team = await keyTeam(server);
    const { secret } = await team.createKey({ name: "Still works" });
    const pair = await team.createKey({ name: "Pair still works", kind: "KEY_PAIR" });
    await failVerifications(address, 30);

    const refused = await verifyFrom(address, { key: newSecret(SecretKind.SECRET) });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe("too_many_failures");
    expect((await verifyFrom(address, { key: secret })).body).toMatchObject({ valid: true, code: "VALID" });
    expect((await verifyFrom(address, { accessKey: pair.key.publicId, secretKey: pair.secret })).body).toMatchObject({ valid: true });

    const bySession = await graphqlFrom(address, `{ viewer { email } }`, {}, { authorization: `Bearer ${team.owner.token}` });
    expect(bySession.status).toBe(200);
    expect(bySession.data.viewer.email).toBe(team.owner.email);
    const byKey = await graphqlFrom(address, `{ viewer { email } }`, {}, { authorization: `Bearer ${secret}` });
    expect(byKey.status).toBe(200);
    expect(byKey.data.viewer.email).toBe(team.owner.email);
    const byVerifyKey = await graphqlFrom(address, `query($secret: String!) { verifyKey(secret: $secret) { valid } }`, { secret });
    expect(byVerifyKey.data.verifyKey.valid).toBe(true);

    const badSession = await graphqlFrom(address, `{ viewer { email } }`, {}, { authorization: "Bearer lk_session_nope" });
    expect(badSession.status).toBe(429);
    expect(badSession.errors?.[0].extensions.code).toBe("RATE_LIMITED");
    const badVerifyKey = await graphqlFrom(address, `query($secret: String!) { verifyKey(secret: $secret) { valid } }`, {
      secret: mistyped(secret),
    });
    expect(badVerifyKey.errors?.[0].extensions.code).toBe("RATE_LIMITED");
  });

  it("counts failures per presented public ID too: guesses at one pair from many addresses are refused, the pair itself still works", async () => {
    const team = await keyTeam(server);
    const pair = await team.createKey({ name: "Targeted", kind: "KEY_PAIR" });
    const guess = () => ({ accessKey: pair.key.publicId, secretKey: newSecret(SecretKind.KEY_PAIR) });
    for (let attempt = 0; attempt < 30; attempt++) await failVerifications(freshAddress(), 1, guess);

    const elsewhere = freshAddress();
    expect((await verifyFrom(elsewhere, guess())).status).toBe(429);
    // Another public ID from the same address is answered as usual, and the pair's own secret works.
    expect((await verifyFrom(elsewhere, { accessKey: "lkak_someoneelse", secretKey: newSecret(SecretKind.KEY_PAIR) })).status).toBe(200);
    expect((await verifyFrom(elsewhere, { accessKey: pair.key.publicId, secretKey: pair.secret })).body).toMatchObject({ valid: true });
  });

  it("counts HTTP Basic failures per username as well", async () => {
    const team = await keyTeam(server);
    const basicKey = await team.createKey({ name: "Basic target", kind: "BASIC" });
    const query = `{ viewer { email } }`;
    for (let attempt = 0; attempt < 30; attempt++) {
      const wrong = await graphqlFrom(
        freshAddress(),
        query,
        {},
        { authorization: basic(basicKey.key.publicId, mistyped(basicKey.secret)) },
      );
      expect(wrong.status).toBe(401);
    }
    const address = freshAddress();
    expect((await graphqlFrom(address, query, {}, { authorization: basic(basicKey.key.publicId, mistyped(basicKey.secret)) })).status).toBe(
      429,
    );
    const right = await graphqlFrom(address, query, {}, { authorization: basic(basicKey.key.publicId, basicKey.secret) });
    expect(right.status).toBe(200);
    expect(right.data.viewer.email).toBe(team.owner.email);
  });
});

describe("leak reports", () => {
  it("accepts 60 leak reports a minute from one address, then asks it to wait", async () => {
    const address = freshAddress();
    const report = () =>
      fetch(`${server.url}/v1/keys/report-leak`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({ secrets: [newSecret(SecretKind.SECRET)] }),
      });
    for (let attempt = 0; attempt < 60; attempt++) expect((await report()).status).toBe(202);
    const refused = await report();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("password sign-in limits", () => {
  it("refuses one account after 30 wrong passwords from an address, but lets another account sign in from there", async () => {
    const address = freshAddress();
    const target = await keyTeam(server, "Guessed Owner");
    const colleague = await keyTeam(server, "Colleague Owner");
    const signIn = (email: string, password: string) => graphqlFrom(address, SIGN_IN, { input: { email, password } });
    for (let attempt = 0; attempt < 30; attempt++) {
      expect((await signIn(target.owner.email, "wrong guess!")).data.signIn.userErrors[0].code).toBe("INVALID_CREDENTIALS");
    }
    expect((await signIn(target.owner.email, target.owner.password)).status).toBe(429);

    const other = await signIn(colleague.owner.email, colleague.owner.password);
    expect(other.status).toBe(200);
    expect(other.data.signIn.token).toMatch(/^lk_session_/);
    expect((await signIn(colleague.owner.email, "wrong guess!")).data.signIn.userErrors[0].code).toBe("INVALID_CREDENTIALS");
  });

  it("refuses any sign-in from an address past SIGN_INS_PER_MINUTE, before checking the password", async () => {
    const address = freshAddress();
    const account = await keyTeam(server, "Busy Office");
    for (let attempt = 0; attempt < 40; attempt++) {
      const email = attempt % 2 ? account.owner.email : `nobody.${attempt}@example.test`;
      const password = attempt % 2 ? account.owner.password : "wrong guess!";
      expect((await graphqlFrom(address, SIGN_IN, { input: { email, password } }, {}, strict)).status).toBe(200);
    }
    const refused = await graphqlFrom(
      address,
      SIGN_IN,
      { input: { email: account.owner.email, password: account.owner.password } },
      {},
      strict,
    );
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions.code).toBe("RATE_LIMITED");
    expect(refused.errors?.[0].message).toMatch(/sign-in/i);
    // Another address is not affected.
    const elsewhere = await graphqlFrom(
      freshAddress(),
      SIGN_IN,
      { input: { email: account.owner.email, password: account.owner.password } },
      {},
      strict,
    );
    expect(elsewhere.data.signIn.token).toMatch(/^lk_session_/);
  });
});

describe("sign-up limits", () => {
  it("refuses 100 aliased signUp mutations in one request before creating any account", async () => {
    const before = await rowCounts(server.databaseUrl, ["users", "sessions", "audit_entries"]);
    const aliases = Array.from(
      { length: 100 },
      (_, index) =>
        `a${index}: signUp(input: { email: "alias.${index}.${process.pid}@example.test", name: "Alias", password: "correct horse battery" }) { token }`,
    );
    const result = await graphqlFrom(freshAddress(), `mutation { ${aliases.join("\n")} }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].message).toMatch(/one credential-changing mutation per request/);
    expect(result.data).toBeUndefined();
    expect(await rowCounts(server.databaseUrl, ["users", "sessions", "audit_entries"])).toEqual(before);
  });

  it("allows one credential-changing mutation per request, whatever the mix or the fragments", async () => {
    const mixes = [
      `mutation { signIn(input: { email: "a@example.test", password: "x" }) { token } createKey(input: { organizationId: "x", name: "x", kind: SECRET }) { secret } }`,
      `mutation { ...Both } fragment Both on Mutation { rotateKey(input: { id: "x" }) { secret } again: rotateKey(input: { id: "y" }) { secret } }`,
      `mutation { ... on Mutation { revealKeySecret(input: { id: "x", reason: "why" }) { secret } } rotateWebhookSecret(input: { id: "x" }) { secret } }`,
      `mutation { createWebhookEndpoint(input: { organizationId: "x", url: "http://127.0.0.1/", eventTypes: ["*"] }) { secret } signUp(input: { email: "b@example.test", name: "B", password: "correct horse battery" }) { token } }`,
    ];
    for (const query of mixes) {
      const result = await graphqlFrom(freshAddress(), query);
      expect(result.status, query).toBe(400);
      expect(result.errors?.[0].message, query).toMatch(/one credential-changing mutation per request/);
    }
  });

  it("stops repeated sign-ups from one address at SIGN_UPS_PER_HOUR, and lets other addresses sign up", async () => {
    const address = freshAddress();
    const signUpFrom = (from: string, index: number) =>
      graphqlFrom(
        from,
        SIGN_UP,
        { input: { email: `repeat.${index}.${process.pid}@example.test`, name: "Repeat", password: "correct horse battery" } },
        {},
        strict,
      );
    for (let index = 0; index < 3; index++) expect((await signUpFrom(address, index)).data.signUp.token).toMatch(/^lk_session_/);
    const before = await rowCounts(server.databaseUrl, ["users", "sessions"]);
    const refused = await signUpFrom(address, 3);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions.code).toBe("RATE_LIMITED");
    expect(refused.errors?.[0].message).toMatch(/sign-ups/i);
    expect(await rowCounts(server.databaseUrl, ["users", "sessions"])).toEqual(before);
    expect((await signUpFrom(freshAddress(), 4)).data.signUp.token).toMatch(/^lk_session_/);
  });
});
