import type { FastifyInstance } from "fastify";
import type { Config } from "../config";
import type { Logger } from "../observability/logger";
import type { ConsoleConfig } from "./console-config";
import { ConsoleProviderOrigins } from "./console-provider-origins";
import { ELEMENTS_PATH } from "./elements";

/** The console's pages: the page at `/` and the paths its router shows, so a reload or a bookmark lands on the same page. */
export const CONSOLE_PATHS = ["/", "/keys", "/webhooks", "/members", "/roles", "/audit", "/settings", "/callback"] as const;

export type { ConsoleConfig, ConsoleIdentityProvider } from "./console-config";

export function consoleConfig(config: Config): ConsoleConfig {
  const { trustedIssuers, passwordSignIn, passwordSignUp } = config.federation;
  return {
    passwordSignIn,
    passwordSignUp,
    identityProviders: trustedIssuers.flatMap(({ issuer, audience, consoleClientId, consoleScope, consoleAudienceParameter }) =>
      consoleClientId
        ? [
            {
              issuer: issuer.replace(/\/+$/, ""),
              clientId: consoleClientId,
              audience: Array.isArray(audience) ? (audience[0] ?? "") : audience,
              audienceParameter: consoleAudienceParameter ?? "resource",
              scope: consoleScope ?? "openid email profile",
            },
          ]
        : [],
    ),
  };
}

/**
 * Scripts only from this server (the bundle); no inline script can run, so the JSON config below is
 * data and nothing else. Styles may be inline: elements and their hosts set `style` attributes.
 * `connect-src` names the providers' origins because the page itself runs discovery and the code
 * exchange (a public client with PKCE, as every browser frontend does): each issuer's origin, and
 * the origins of their token endpoints where those differ (`tokenEndpointOrigins`).
 */
export function consoleContentSecurityPolicy(settings: ConsoleConfig, tokenEndpointOrigins: readonly string[] = []): string {
  const issuers = settings.identityProviders.map(({ issuer }) => new URL(issuer).origin);
  const providers = [...new Set([...issuers, ...tokenEndpointOrigins])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self' ${providers.join(" ")}`.trim(),
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** JSON safe inside `<script>`: `<` is escaped, so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export function consolePage(settings: ConsoleConfig): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>Latchkey</title>
    <style>body { margin: 0; font-family: system-ui, sans-serif; } latchkey-console:not(:defined) { display: block; padding: 1rem; }</style>
    <script type="application/json" id="latchkey-console-config">${scriptJson(settings)}</script>
    <script type="module" src="${ELEMENTS_PATH}"></script>
  </head>
  <body>
    <latchkey-console><noscript>The Latchkey console needs JavaScript.</noscript></latchkey-console>
  </body>
</html>
`;
}

/**
 * The console at `/`: a small page that loads the elements bundle and holds `<latchkey-console>`,
 * which talks to the public GraphQL API like any other client (see `server/elements/src/console/`).
 */
export function registerConsoleRoutes(fastify: FastifyInstance, config: Config, log: Logger): void {
  const settings = consoleConfig(config);
  const body = consolePage(settings);
  const providerOrigins = new ConsoleProviderOrigins(settings.identityProviders, log);
  for (const path of CONSOLE_PATHS) {
    fastify.get(path, async (_request, reply) =>
      reply
        .header("content-type", "text/html; charset=utf-8")
        .header("content-security-policy", consoleContentSecurityPolicy(settings, await providerOrigins.tokenEndpointOrigins()))
        .header("cache-control", "no-cache")
        .header("x-content-type-options", "nosniff")
        // `/callback` carries the provider's code in its URL: never send it on as a referrer.
        .header("referrer-policy", "no-referrer")
        .header("x-frame-options", "DENY")
        .send(body),
    );
  }
}
