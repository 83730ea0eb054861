import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** Where the page finds its identity provider and Latchkey; given once both are running. */
export interface HostFrontendSettings {
  /** The OpenID provider's issuer URL: the page reads its endpoints by discovery. */
  issuer: string;
  /** The page's client at the provider: public, with PKCE. */
  clientId: string;
  /** The resource (audience) the access token is asked for: Latchkey's. */
  audience: string;
  /** Latchkey's base URL, e.g. `http://127.0.0.1:4000`. */
  latchkeyUrl: string;
}

export interface HostFrontend {
  /** `http://127.0.0.1:PORT`: what the browser sends as `Origin`. */
  readonly origin: string;
  /** Where the provider sends the browser back with a code: this origin's `/callback`. */
  readonly redirectUri: string;
  configure(settings: HostFrontendSettings): void;
  stop(): Promise<void>;
}

/** graphql-ws's browser build, exactly as a host's frontend would bundle it. */
const GRAPHQL_WS_BUNDLE = path.join(path.dirname(require.resolve("graphql-ws/package.json")), "umd", "graphql-ws.min.js");

/**
 * A host product's browser frontend, served from its own origin on 127.0.0.1: a "Sign in" button
 * that runs the authorization code flow with PKCE in the page (discovery, the provider's login form,
 * the code exchanged at the token endpoint from the page), then `window.latchkeyQuery` (GraphQL over
 * HTTP with the provider's token) and `window.latchkeySubscribe` (graphql-ws with the same token,
 * through the graphql-ws client library). Nothing here talks to Latchkey but the page itself.
 */
export async function startHostFrontend(): Promise<HostFrontend> {
  const bundle = await readFile(GRAPHQL_WS_BUNDLE, "utf8");
  let settings: HostFrontendSettings | null = null;
  const server: Server = createServer((request, response) => {
    const pathname = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (pathname === "/graphql-ws.js") {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      return response.end(bundle);
    }
    if ((pathname === "/" || pathname === "/callback") && settings) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      return response.end(page(settings));
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    redirectUri: `${origin}/callback`,
    configure: (given) => {
      settings = given;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** What the page keeps of one subscription, for the test to read. */
export interface PageSubscription {
  connected: boolean;
  received: Array<{ data?: Record<string, unknown>; errors?: unknown[] }>;
  error: string | null;
  closedCode: number | null;
}

/** The page's globals the test reads or calls (see `in-page.ts` for why they are typed by hand). */
export interface InHostFrontend {
  accessToken?: string;
  signInError?: string;
  latchkeyQuery(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; body: { data?: Record<string, unknown>; errors?: unknown[] } } | { failed: string }>;
  latchkeySubscribe(query: string, variables?: Record<string, unknown>): void;
  subscription?: PageSubscription;
}

function page(settings: HostFrontendSettings): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Host product</title><script src="/graphql-ws.js"></script></head>
  <body>
    <h1>Host product</h1>
    <button id="sign-in" type="button">Sign in</button>
    <p id="status" role="status">signed out</p>
    <script>
      const settings = ${JSON.stringify(settings)};
      const status = document.getElementById("status");
      const redirectUri = location.origin + "/callback";
      const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
      const random = (length) => base64url(crypto.getRandomValues(new Uint8Array(length)));
      const discover = async () => (await fetch(settings.issuer + "/.well-known/openid-configuration")).json();

      document.getElementById("sign-in").addEventListener("click", async () => {
        const provider = await discover();
        const verifier = random(32);
        const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
        const state = random(16);
        sessionStorage.setItem("pkce", JSON.stringify({ verifier, state }));
        const authorization = new URL(provider.authorization_endpoint);
        authorization.search = new URLSearchParams({
          client_id: settings.clientId,
          response_type: "code",
          redirect_uri: redirectUri,
          scope: "openid email profile latchkey",
          code_challenge: challenge,
          code_challenge_method: "S256",
          resource: settings.audience,
          state,
        }).toString();
        location.assign(authorization.href);
      });

      async function completeSignIn() {
        const parameters = new URLSearchParams(location.search);
        const { verifier, state } = JSON.parse(sessionStorage.getItem("pkce") || "{}");
        sessionStorage.removeItem("pkce");
        if (!parameters.get("code") || parameters.get("state") !== state) throw new Error("no code, or a state that is not ours");
        const provider = await discover();
        const response = await fetch(provider.token_endpoint, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "authorization_code",
            code: parameters.get("code"),
            redirect_uri: redirectUri,
            client_id: settings.clientId,
            code_verifier: verifier,
            resource: settings.audience,
          }),
        });
        const tokens = await response.json();
        if (!response.ok) throw new Error(tokens.error_description || tokens.error || String(response.status));
        window.accessToken = tokens.access_token;
        history.replaceState(null, "", "/");
        status.textContent = "signed in";
      }
      if (location.pathname === "/callback") {
        completeSignIn().catch((error) => {
          window.signInError = String(error);
          status.textContent = "sign-in failed";
        });
      }

      window.latchkeyQuery = async (query, variables = {}) => {
        try {
          const response = await fetch(settings.latchkeyUrl + "/graphql", {
            method: "POST",
            headers: { authorization: "Bearer " + window.accessToken, "content-type": "application/json" },
            body: JSON.stringify({ query, variables }),
          });
          return { status: response.status, body: await response.json() };
        } catch (error) {
          return { failed: String(error) };
        }
      };

      window.latchkeySubscribe = (query, variables = {}) => {
        const subscription = { connected: false, received: [], error: null, closedCode: null };
        window.subscription = subscription;
        const client = graphqlWs.createClient({
          url: settings.latchkeyUrl.replace(/^http/, "ws") + "/graphql",
          connectionParams: { authorization: "Bearer " + window.accessToken },
          retryAttempts: 0,
          on: {
            connected: () => (subscription.connected = true),
            closed: (event) => (subscription.closedCode = event.code),
          },
        });
        client.subscribe(
          { query, variables },
          {
            next: (value) => subscription.received.push(value),
            error: (error) => (subscription.error = String((error && (error.message || error.code)) || error)),
            complete: () => undefined,
          },
        );
      };
    </script>
  </body>
</html>`;
}
