import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ConfigError, loadConfig } from "../../server/src/config";
import { signUp } from "../support/graphql-client";
import { startTestServer, type TestServer } from "../support/server";
import { wsClient, wsExecute } from "../support/ws-client";

const LISTED = "https://app.example.test";
const ALSO_LISTED = "http://127.0.0.1:5173";
const UNLISTED = "https://evil.example.test";
/** The three paths a browser frontend on another origin calls. */
const CORS_PATHS = ["/graphql", "/v1/keys/verify", "/oauth/token"];

let server: TestServer;
beforeAll(async () => {
  // Written as an operator would: spaces, a trailing slash, an upper-case host.
  // TRUST_PROXY lets the throttling test play a client of its own, so its failures throttle nobody else.
  server = await startTestServer({ CORS_ORIGINS: `${LISTED}/, HTTP://127.0.0.1:5173`, TRUST_PROXY: "loopback" });
});
afterAll(() => server?.stop());

function preflight(path: string, origin: string, requestHeaders = "authorization, content-type") {
  return fetch(`${server.url}${path}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": requestHeaders },
  });
}

const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith("access-control-")).sort();

describe("CORS on /graphql, /v1/keys/verify and /oauth/token", () => {
  it("answers a preflight from a listed origin with 204, that origin, the methods and headers it may send, and a max-age", async () => {
    for (const path of CORS_PATHS) {
      for (const origin of [LISTED, ALSO_LISTED]) {
        const response = await preflight(path, origin, "authorization, content-type, accesskey, secretkey, x-request-id");
        expect(response.status, path).toBe(204);
        expect(response.headers.get("access-control-allow-origin"), path).toBe(origin);
        expect(response.headers.get("access-control-allow-methods"), path).toBe("GET, POST");
        const allowed = response.headers.get("access-control-allow-headers")?.split(/,\s*/) ?? [];
        for (const header of ["authorization", "content-type", "accesskey", "secretkey", "x-request-id"]) {
          expect(allowed, path).toContain(header);
        }
        expect(response.headers.get("access-control-max-age"), path).toBe("7200");
        expect(response.headers.get("vary"), path).toMatch(/\bOrigin\b/);
        // Bearer headers, never cookies: a page's requests carry no ambient credential.
        expect(response.headers.get("access-control-allow-credentials"), path).toBeNull();
        expect(response.headers.get("x-request-id"), path).toBeTruthy();
      }
    }
  });

  it("refuses a preflight from an origin not on the list with 403 and no CORS headers", async () => {
    for (const path of CORS_PATHS) {
      for (const origin of [UNLISTED, "null", `${LISTED}.evil.test`, "http://app.example.test"]) {
        const response = await preflight(path, origin);
        expect(response.status, `${path} from ${origin}`).toBe(403);
        expect(corsHeaders(response), `${path} from ${origin}`).toEqual([]);
        expect(((await response.json()) as { error: string }).error).toBe("origin_not_allowed");
      }
    }
  });

  it("lets a listed origin read GraphQL answers, refusals included, and the request ID", async () => {
    const person = await signUp(server, "Frontend User");
    const ask = (authorization: string) =>
      fetch(server.graphqlUrl, {
        method: "POST",
        headers: { origin: LISTED, authorization, "content-type": "application/json" },
        body: JSON.stringify({ query: "{ viewer { email } }" }),
      });
    const answered = await ask(`Bearer ${person.token}`);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ data: { viewer: { email: person.email } } });
    expect(answered.headers.get("access-control-allow-origin")).toBe(LISTED);
    expect(answered.headers.get("access-control-expose-headers")?.split(/,\s*/)).toEqual(
      expect.arrayContaining(["x-request-id", "retry-after"]),
    );
    expect(answered.headers.get("vary")).toMatch(/\bOrigin\b/);

    const refused = await ask("Bearer lk_session_not-a-real-token-000000000000000000000000");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(LISTED);
  });

  it("lets a listed origin read the verify endpoint's answers, its refusals included", async () => {
    const verify = (body: string, contentType = "application/json") =>
      fetch(`${server.url}/v1/keys/verify`, { method: "POST", headers: { origin: LISTED, "content-type": contentType }, body });
    for (const [response, status] of [
      [await verify(JSON.stringify({ key: "lk_sk_not-a-key" })), 200],
      [await verify("key=lk_sk_x", "text/plain"), 415],
      [await verify("{"), 400],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers.get("access-control-allow-origin")).toBe(LISTED);
      expect(response.headers.get("vary")).toMatch(/\bOrigin\b/);
      expect(response.headers.get("access-control-expose-headers")).toContain("x-request-id");
    }
  });

  it("lets a listed origin read the token endpoint's refusal", async () => {
    const response = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { origin: LISTED, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=lkci_nobody&client_secret=wrong",
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe(LISTED);
  });

  it("gives an unlisted origin's requests no CORS headers, so its browser keeps the answer from the page", async () => {
    const graphqlAnswer = await fetch(server.graphqlUrl, {
      method: "POST",
      headers: { origin: UNLISTED, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    const verifyAnswer = await fetch(`${server.url}/v1/keys/verify`, {
      method: "POST",
      headers: { origin: UNLISTED, "content-type": "application/json" },
      body: JSON.stringify({ key: "lk_sk_not-a-key" }),
    });
    for (const response of [graphqlAnswer, verifyAnswer]) {
      expect(corsHeaders(response)).toEqual([]);
      expect(response.headers.get("vary")).toMatch(/\bOrigin\b/);
    }
  });

  it("answers no CORS on other routes, even for a listed origin", async () => {
    for (const path of ["/healthz", "/readyz", "/metrics", "/v1/keys/report-leak", "/.well-known/jwks.json"]) {
      const refused = await preflight(path, LISTED);
      expect(refused.status, path).toBe(404);
      expect(corsHeaders(refused), path).toEqual([]);
    }
    const health = await fetch(`${server.url}/healthz`, { headers: { origin: LISTED } });
    expect(health.status).toBe(200);
    expect(corsHeaders(health)).toEqual([]);
  });

  it("answers OPTIONS without an Origin as before: it is not a preflight", async () => {
    const response = await fetch(`${server.url}/v1/keys/verify`, { method: "OPTIONS" });
    expect(response.status).toBe(405);
    expect(corsHeaders(response)).toEqual([]);
  });

  it("preflights a throttled client, whose page can then read the 429 and its Retry-After", async () => {
    const client = { "x-forwarded-for": "203.0.113.9" };
    const verify = () =>
      fetch(`${server.url}/v1/keys/verify`, {
        method: "POST",
        headers: { ...client, origin: LISTED, "content-type": "application/json" },
        body: JSON.stringify({ accessKey: "lkak_throttled", secretKey: "lk_kp_wrong" }),
      });
    let throttled: Response | undefined;
    for (let attempt = 0; attempt < 40 && !throttled; attempt++) {
      const response = await verify();
      if (response.status === 429) throttled = response;
      else await response.body?.cancel();
    }
    expect(throttled?.status).toBe(429);
    expect(throttled?.headers.get("access-control-allow-origin")).toBe(LISTED);
    expect(throttled?.headers.get("retry-after")).toBeTruthy();
    const response = await fetch(`${server.url}/v1/keys/verify`, {
      method: "OPTIONS",
      headers: { ...client, origin: LISTED, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(LISTED);
  });

  it("still refuses a preflight whose URL carries a credential, as it refuses the request", async () => {
    const response = await preflight("/graphql?access_token=lk_session_abc", LISTED);
    expect(response.status).toBe(400);
    expect(corsHeaders(response)).toEqual([]);
  });
});

/** The status of a WebSocket upgrade to the GraphQL path with these headers: 101 when it opens. */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(server.graphqlUrl.replace(/^http/, "ws"), "graphql-transport-ws", { headers });
  return new Promise<number>((resolve, reject) => {
    socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
    socket.on("open", () => resolve(101));
    socket.on("error", reject);
  }).finally(() => socket.terminate());
}

describe("WebSocket upgrades check Origin (cross-site WebSocket hijacking)", () => {
  it("lets a page from a listed origin subscribe with its user's token", async () => {
    const person = await signUp(server, "Socket Frontend");
    const client = wsClient(server, `Bearer ${person.token}`, undefined, { origin: LISTED });
    try {
      expect(await wsExecute(client, "{ viewer { email } }")).toEqual({ data: { viewer: { email: person.email } } });
    } finally {
      await client.dispose();
    }
  });

  it("refuses a page from any other website with 403 at the upgrade", async () => {
    for (const origin of [UNLISTED, "null", "http://app.example.test", "file://"]) {
      expect(await upgradeStatus({ origin }), origin).toBe(403);
    }
  });

  it("admits clients that send no Origin (servers, scripts), browser extensions and Latchkey's own origin", async () => {
    for (const headers of [
      {} as Record<string, string>,
      { origin: "chrome-extension://abcdefghijklmnopabcdefghijklmnop" },
      { origin: "moz-extension://0b4f3c1e-8a6d-4c2f-9f00-3a1b2c3d4e5f" },
      { origin: server.url },
    ]) {
      expect(await upgradeStatus(headers), JSON.stringify(headers)).toBe(101);
    }
  });
});

describe("CORS_ORIGINS", () => {
  const refusal = (CORS_ORIGINS: string) => {
    try {
      loadConfig({ CORS_ORIGINS }, { dotenv: false });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    return null;
  };

  it("reads exact origins, comma-separated, as browsers write them", () => {
    const config = loadConfig(
      { CORS_ORIGINS: " https://App.Example.com/ , http://localhost:5173,https://app.example.com:443" },
      { dotenv: false },
    );
    expect(config.corsOrigins).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(loadConfig({}, { dotenv: false }).corsOrigins).toEqual([]);
  });

  it("refuses *, wildcards, paths and anything but an http(s) origin at start, naming the entry", () => {
    expect(refusal("*")).toMatch(/CORS_ORIGINS: "\*" .*list exact origins/);
    expect(refusal("https://app.example.com,*")).toMatch(/CORS_ORIGINS: "\*"/);
    for (const entry of [
      "https://*.example.com",
      "app.example.com",
      "https://app.example.com/app",
      "https://app.example.com?x=1",
      "https://user:pw@app.example.com",
      "chrome-extension://abcdefghijklmnop",
      "null",
    ]) {
      expect(refusal(entry), entry).toContain(`CORS_ORIGINS: "${entry}"`);
    }
  });
});
