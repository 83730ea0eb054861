import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { newSecret, SecretKind } from "../../server/src/keys/key-format";
import type { UntypedData } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";

// Request logging is on outside NODE_ENV=test; the log stream is kept to be searched for secrets.
const logLines: string[] = [];
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    {
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      LATCHKEY_KEY_PEPPER: randomBytes(32).toString("base64"),
      LATCHKEY_MASTER_KEY: randomBytes(32).toString("base64"),
    },
    undefined,
    { logDestination: { write: (line: string) => void logLines.push(line) } },
  );
});
afterAll(() => server?.stop());

const logText = () => logLines.join("");
const URL_REFUSAL = /credentials must not be sent in the URL/;

describe("credentials in URLs", () => {
  it("refuses a Latchkey secret, client_secret or access_token in a query string with 400, and never logs it", async () => {
    const team = await keyTeam(server);
    const { secret } = await team.createKey({ name: "Kept out of URLs" });
    const oauthSecret = newSecret(SecretKind.OAUTH_CLIENT);
    const requests = [
      { method: "POST", path: `/v1/keys/verify?key=${secret}`, body: JSON.stringify({ key: secret }) },
      { method: "POST", path: `/oauth/token?grant_type=client_credentials&client_id=lkci_x&client_secret=${oauthSecret}` },
      { method: "GET", path: `/graphql?query=%7B__typename%7D&access_token=${team.owner.token}` },
      { method: "GET", path: `/healthz?anything=${encodeURIComponent(secret)}` },
      { method: "GET", path: "/graphql?query=%7B__typename%7D&password=hunter2hunter2" },
    ];
    for (const { method, path, body } of requests) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { "content-type": "application/json", "apollo-require-preflight": "1" },
        body,
      });
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { message: string }).message, path).toMatch(URL_REFUSAL);
      expect(response.headers.get("x-request-id"), path).toBeTruthy();
    }
    // The refused key was not used: it still verifies, and the refusals are in the log without a secret.
    const verify = await fetch(`${server.url}/v1/keys/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: secret }),
    });
    expect(((await verify.json()) as { valid: boolean }).valid).toBe(true);
    expect(logText()).toMatch(/credentials in the URL/);
    for (const leaked of [secret, oauthSecret, team.owner.token, "hunter2hunter2"]) expect(logText()).not.toContain(leaked);
  });

  it("refuses a WebSocket upgrade with a token in its URL", async () => {
    const team = await keyTeam(server);
    const socket = new WebSocket(`${server.graphqlUrl.replace("http", "ws")}?access_token=${team.owner.token}`, "graphql-transport-ws");
    const status = await new Promise<number | undefined>((resolve) => {
      socket.on("unexpected-response", (_request, response) => resolve(response.statusCode));
      socket.on("open", () => resolve(undefined));
      socket.on("error", () => resolve(undefined));
    });
    socket.terminate();
    expect(status).toBe(400);
    expect(logText()).not.toContain(team.owner.token);
  });

  it("logs query strings with their values redacted", async () => {
    const marker = `marker${randomBytes(8).toString("hex")}`;
    const response = await fetch(`${server.url}/healthz?note=${marker}`);
    expect(response.status).toBe(200);
    expect(logText()).toContain("/healthz?note=[redacted]");
    expect(logText()).not.toContain(marker);
    const notFound = await fetch(`${server.url}/nowhere?note=${marker}`);
    expect(notFound.status).toBe(404);
    expect(logText()).not.toContain(marker);
  });
});

describe("the verify fast path", () => {
  async function verify(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ key: newSecret(SecretKind.SECRET) }),
    });
    return {
      status: response.status,
      requestId: response.headers.get("x-request-id"),
      body: (await response.json()) as UntypedData,
    };
  }

  it("answers with a query string in the URL", async () => {
    const answer = await verify("/v1/keys/verify?a=1");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ valid: false, code: "NOT_FOUND" });
  });

  it("keeps a well-formed x-request-id from the client and replaces a malformed one", async () => {
    expect((await verify("/v1/keys/verify", { "x-request-id": "checkout-7f3a.42" })).requestId).toBe("checkout-7f3a.42");
    const malformed = await verify("/v1/keys/verify", { "x-request-id": "not a valid id; <script>" });
    expect(malformed.requestId).toBeTruthy();
    expect(malformed.requestId).not.toContain("script");
  });
});
