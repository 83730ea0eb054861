// What the console page tells <latchkey-console>: the one definition, read by the server
// (console.ts, which writes it) and by the elements bundle (server/elements/src/console), which
// imports these types. No imports here, so both programs compile it as it is.

/** An identity provider the console may sign in with: public facts only (PKCE needs no client secret). */
export interface ConsoleIdentityProvider {
  issuer: string;
  clientId: string;
  /** The resource the access token is asked for: the first audience Latchkey accepts from this issuer. */
  audience: string;
  /** The request parameter that carries `audience` to the provider. */
  audienceParameter: "resource" | "audience";
  scope: string;
}

/** What the page tells `<latchkey-console>`; read by `server/elements/src/console/console-config.ts`. */
export interface ConsoleConfig {
  passwordSignIn: boolean;
  passwordSignUp: boolean;
  identityProviders: ConsoleIdentityProvider[];
}
