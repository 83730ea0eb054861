/** An identity provider the console may sign in with (public facts: a PKCE client has no secret). */
export interface ConsoleIdentityProvider {
  issuer: string;
  clientId: string;
  /** The resource the access token is asked for: an audience Latchkey accepts from this issuer. */
  audience: string;
  /** The request parameter that carries `audience`: `resource` (RFC 8707) or `audience` (Auth0). */
  audienceParameter: "resource" | "audience";
  scope: string;
}

/** What the server says about sign-in, in the page's `#latchkey-console-config` (see server/src/http/console.ts). */
export interface ConsoleConfig {
  passwordSignIn: boolean;
  passwordSignUp: boolean;
  identityProviders: ConsoleIdentityProvider[];
}

const DEFAULT_CONFIG: ConsoleConfig = { passwordSignIn: true, passwordSignUp: false, identityProviders: [] };

/** The page's config, or password sign-in alone when the page carries none (a host page embedding the console). */
export function readConsoleConfig(document: Document): ConsoleConfig {
  const text = document.getElementById("latchkey-console-config")?.textContent;
  if (!text) return DEFAULT_CONFIG;
  try {
    return { ...DEFAULT_CONFIG, ...(JSON.parse(text) as Partial<ConsoleConfig>) };
  } catch {
    return DEFAULT_CONFIG;
  }
}
