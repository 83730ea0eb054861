import type { ConsoleIdentityProvider } from "./console-config";

/** What the console remembers between leaving for the provider and coming back to `/callback`. */
interface PendingSignIn {
  issuer: string;
  verifier: string;
  state: string;
  /** The console page to show once signed in. */
  returnTo: string;
}

const PENDING_KEY = "latchkey-console-pkce";
export const CALLBACK_PATH = "/callback";

/** A sign-in at the provider that failed, with the reason in words for people. */
export class ProviderSignInFailure extends Error {}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const randomString = (length: number) => base64url(crypto.getRandomValues(new Uint8Array(length)));

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

/** The provider's endpoints, from its discovery document, whose `issuer` must be the one configured. */
async function discover(provider: ConsoleIdentityProvider): Promise<Discovery> {
  let document: Discovery;
  try {
    document = await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json();
  } catch {
    throw new ProviderSignInFailure("The identity provider could not be reached. Try again in a moment.");
  }
  if (document.issuer?.replace(/\/+$/, "") !== provider.issuer)
    throw new ProviderSignInFailure("The identity provider's discovery document names another issuer; ask your administrator.");
  return document;
}

const redirectUri = () => `${location.origin}${CALLBACK_PATH}`;

/** Leaves for the provider's sign-in page: authorization code flow with a PKCE (S256) challenge and a state. */
export async function beginProviderSignIn(provider: ConsoleIdentityProvider, returnTo: string): Promise<void> {
  const { authorization_endpoint } = await discover(provider);
  const verifier = randomString(32);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const pending: PendingSignIn = { issuer: provider.issuer, verifier, state: randomString(16), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: provider.clientId,
    response_type: "code",
    redirect_uri: redirectUri(),
    scope: provider.scope,
    code_challenge: challenge,
    code_challenge_method: "S256",
    [provider.audienceParameter ?? "resource"]: provider.audience,
    state: pending.state,
  }).toString();
  location.assign(url.href);
}

/**
 * Back at `/callback`: checks the state, exchanges the code (with the verifier) at the provider's
 * token endpoint from the page, and returns the access token with the page to show.
 */
export async function completeProviderSignIn(
  providers: ConsoleIdentityProvider[],
  url: URL,
): Promise<{ accessToken: string; returnTo: string }> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? "null") as PendingSignIn | null;
  sessionStorage.removeItem(PENDING_KEY);
  // The state first: a link anyone can send to /callback must not put its own words in our alert.
  const provider = providers.find(({ issuer }) => issuer === pending?.issuer);
  if (!pending || !provider || url.searchParams.get("state") !== pending.state)
    throw new ProviderSignInFailure("This sign-in was not started here, or was already used. Sign in again.");
  const refused = url.searchParams.get("error");
  if (refused)
    throw new ProviderSignInFailure(`The identity provider refused the sign-in: ${url.searchParams.get("error_description") ?? refused}.`);
  const code = url.searchParams.get("code");
  if (!code) throw new ProviderSignInFailure("This sign-in was not started here, or was already used. Sign in again.");
  const { token_endpoint } = await discover(provider);
  let tokens: { access_token?: string; error?: string; error_description?: string };
  try {
    const response = await fetch(token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri(),
        client_id: provider.clientId,
        code_verifier: pending.verifier,
        [provider.audienceParameter ?? "resource"]: provider.audience,
      }),
    });
    tokens = await response.json();
  } catch {
    throw new ProviderSignInFailure("The identity provider could not be reached. Try again in a moment.");
  }
  if (!tokens.access_token)
    throw new ProviderSignInFailure(
      `The identity provider did not give a token: ${tokens.error_description ?? tokens.error ?? "no reason given"}.`,
    );
  return { accessToken: tokens.access_token, returnTo: pending.returnTo };
}

/** "Sign in with login.example.com": the provider's host is what a person recognises. */
export function providerName(provider: ConsoleIdentityProvider): string {
  return new URL(provider.issuer).host;
}
