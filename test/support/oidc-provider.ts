import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { ProviderConfiguration } from "oidc-provider";
import * as openid from "openid-client";

/** The audience JWT access tokens are issued for unless a test names another (the resource indicator). */
export const DEFAULT_AUDIENCE = "https://latchkey.test/graphql";
/** The one public client (PKCE, no secret): a browser frontend of the host product. */
export const CLIENT_ID = "host-frontend";
/** The resource server's one scope, granted with every access token. */
const API_SCOPE = "latchkey";

/** What the provider says about a person: standard claims plus any custom ones (membership lists). */
export type AccountClaims = { email?: string; email_verified?: boolean; name?: string } & Record<string, unknown>;

/** A private signing key as the provider holds it: a JWK with `kid` and `alg`. */
export type SigningJwk = JWK & { kid: string; alg: string };

export interface IdentityProviderOptions {
  /** The audience of issued access tokens. @default DEFAULT_AUDIENCE */
  audience?: string;
  /** The port to listen on, on 127.0.0.1. @default 0 (a free one) */
  port?: number;
  /** The key tokens are signed with (and the only one published). @default a fresh RS256 key */
  signingKey?: SigningJwk;
  /**
   * The public client's redirect URIs; their origins may also call the token endpoint from a
   * browser (CORS). @default `http://127.0.0.1/callback`, which nothing needs to serve
   */
  redirectUris?: string[];
}

export interface TestIdentityProvider {
  /** `http://127.0.0.1:PORT`: the `iss` of every token, with discovery and JWKS under it. */
  readonly issuer: string;
  readonly port: number;
  readonly audience: string;
  readonly clientId: string;
  readonly redirectUris: string[];
  /** The current private signing key, for tests that hand-make forgeries signed with the real key. */
  readonly signingKey: SigningJwk;
  /** How many times the key set (`/jwks`) has been fetched since the start: relying parties should cache it. */
  readonly jwksFetches: number;
  /** Sets (replaces) what the provider says about `subject`; tokens issued afterwards carry it. */
  setAccount(subject: string, claims: AccountClaims): void;
  /**
   * Signs `subject` in through the authorization code flow with PKCE, over real HTTP: the
   * provider's own login and consent forms, then the token endpoint. `claims`, when given, replace
   * the account's first. The access token is a JWT for `audience`, carrying the account's claims.
   */
  signIn(subject: string, claims?: AccountClaims): Promise<{ accessToken: string; idToken: string; expiresIn: number }>;
  /** `signIn`'s access token alone. */
  accessToken(subject: string, claims?: AccountClaims): Promise<string>;
  /**
   * Starts again on the same port (stopping first if running), with the same accounts; a new
   * `signingKey` rotates the key: the old one is no longer published.
   */
  restart(options?: { signingKey?: SigningJwk }): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh asymmetric signing key with a random `kid`. */
export async function newSigningKey(alg: "RS256" | "ES256" | "PS256" | "EdDSA" = "RS256"): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomBytes(6).toString("hex"), alg, use: "sig" };
}

/**
 * A real OpenID provider (`oidc-provider` v9, the certified Node implementation) on 127.0.0.1,
 * issuing RS256 (or the given key's algorithm) JWT access tokens for one resource server. Latchkey
 * under test finds it by discovery and fetches its keys over HTTP like any relying party.
 */
export async function startOidcProvider(options: IdentityProviderOptions = {}): Promise<TestIdentityProvider> {
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const redirectUris = options.redirectUris ?? ["http://127.0.0.1/callback"];
  const accounts = new Map<string, AccountClaims>();
  let jwksFetches = 0;
  let signingKey = options.signingKey ?? (await newSigningKey());
  let running = await listen(options.port ?? 0, signingKey);
  const port = (running.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  // Listening first tells the port; the provider must know its issuer before it serves a request.
  await closeServer(running);
  running = await listen(port, signingKey);

  async function listen(onPort: number, key: SigningJwk): Promise<http.Server> {
    const { default: Provider } = await import("oidc-provider");
    const provider = new Provider(`http://127.0.0.1:${onPort}`, providerConfiguration({ key, audience, redirectUris, accounts }));
    const handle = provider.callback();
    // No keep-alive: a client (Latchkey's JWKS fetch) must not reuse a socket the restart closed.
    const server = http.createServer((request, response) => {
      if (request.url?.startsWith("/jwks")) jwksFetches += 1;
      response.setHeader("connection", "close");
      handle(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(onPort, "127.0.0.1", () => resolve());
    });
    return server;
  }

  async function signIn(subject: string, claims?: AccountClaims) {
    if (claims) accounts.set(subject, claims);
    if (!accounts.has(subject)) accounts.set(subject, {});
    return authorizationCodeFlow({ issuer, audience, redirectUri: redirectUris[0] ?? "", subject });
  }

  return {
    issuer,
    port,
    audience,
    clientId: CLIENT_ID,
    redirectUris,
    get signingKey() {
      return signingKey;
    },
    get jwksFetches() {
      return jwksFetches;
    },
    setAccount: (subject, claims) => accounts.set(subject, claims),
    signIn,
    accessToken: async (subject, claims) => (await signIn(subject, claims)).accessToken,
    async restart(restartOptions = {}) {
      await closeServer(running);
      signingKey = restartOptions.signingKey ?? signingKey;
      running = await listen(port, signingKey);
    },
    stop: () => closeServer(running),
  };
}

function providerConfiguration(options: {
  key: SigningJwk;
  audience: string;
  redirectUris: string[];
  accounts: Map<string, AccountClaims>;
}): ProviderConfiguration {
  const { key, audience, redirectUris, accounts } = options;
  const redirectOrigins = new Set(redirectUris.map((uri) => new URL(uri).origin));
  const claimsOf = (subject: string | undefined) => (subject ? (accounts.get(subject) ?? {}) : {});
  return {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: "none",
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        // The ID token is signed with the same (only) key as access tokens.
        id_token_signed_response_alg: key.alg,
      },
    ],
    jwks: { keys: [key] },
    cookies: { keys: [randomBytes(16).toString("hex")] },
    // Set, so that the provider does not warn about its defaults on every token.
    ttl: { AccessToken: 300, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: {
      // The provider's own login and consent pages: any login name signs in as that subject.
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: API_SCOPE,
          audience,
          accessTokenFormat: "jwt",
          accessTokenTTL: 300,
          jwt: { sign: { alg: key.alg } },
        }),
      },
    },
    findAccount: async (_ctx, subject) => ({ accountId: subject, claims: async () => ({ sub: subject, ...claimsOf(subject) }) }),
    // Access tokens carry what the account says (email, name, memberships), as a host's IdP would map them.
    extraTokenClaims: async (_ctx, token) => ({ ...claimsOf(token.accountId) }),
    clientBasedCORS: (_ctx, origin) => redirectOrigins.has(origin),
  };
}

/** A cookie jar for one browser-like sign-in: name → value, sent back on every request to the provider. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const separator = pair.indexOf("=");
      if (separator > 0) this.cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

/**
 * What a browser and a frontend do together: the authorization request with a PKCE challenge, the
 * provider's login form (answered with `subject`), its consent form, the redirect back with a code,
 * and the code exchanged with the verifier at the token endpoint (by `openid-client`).
 */
async function authorizationCodeFlow(options: { issuer: string; audience: string; redirectUri: string; subject: string }) {
  const { issuer, audience, redirectUri, subject } = options;
  const config = await openid.discovery(new URL(issuer), CLIENT_ID, undefined, openid.None(), {
    execute: [openid.allowInsecureRequests],
  });
  const codeVerifier = openid.randomPKCECodeVerifier();
  const state = openid.randomState();
  const authorizationUrl = openid.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: `openid email profile ${API_SCOPE}`,
    code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    resource: audience,
    state,
  });
  const callback = await walkInteractions(authorizationUrl, redirectUri, subject);
  const tokens = await openid.authorizationCodeGrant(
    config,
    callback,
    { pkceCodeVerifier: codeVerifier, expectedState: state },
    { resource: audience },
  );
  if (!tokens.id_token) throw new Error("The provider returned no ID token.");
  return { accessToken: tokens.access_token, idToken: tokens.id_token, expiresIn: tokens.expires_in ?? 0 };
}

/** Follows redirects from the authorization request, submitting the login and consent forms, to the callback URL. */
async function walkInteractions(start: URL, redirectUri: string, subject: string): Promise<URL> {
  const jar = new CookieJar();
  let url = start;
  let form: URLSearchParams | null = null;
  for (let step = 0; step < 12; step++) {
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: { cookie: jar.header(), ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: form ?? undefined,
    });
    jar.store(response);
    form = null;
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      if (url.href.startsWith(redirectUri)) {
        if (url.searchParams.get("error")) throw new Error(`The provider refused: ${url.searchParams.get("error_description")}`);
        return url;
      }
      continue;
    }
    const page = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (response.status !== 200 || !action || !prompt)
      throw new Error(`Unexpected page from the provider (${response.status}): ${page.slice(0, 300)}`);
    url = new URL(action, url);
    form = new URLSearchParams(prompt === "login" ? { prompt, login: subject, password: "any" } : { prompt });
  }
  throw new Error("The sign-in did not reach the redirect URI.");
}

function closeServer(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
