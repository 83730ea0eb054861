import { discoveryUrl, readDiscoveryDocument } from "../federation/discovery-document";
import type { Logger } from "../observability/logger";
import type { ConsoleIdentityProvider } from "./console-config";

/** How long the console page waits on a provider's discovery document before it is served without it. */
const DISCOVERY_TIMEOUT_MS = 3_000;
/** A discovered token endpoint is looked up again after this long: providers rarely move theirs. */
const REFRESH_MS = 60 * 60_000;
/** After a failed discovery, the next page load tries again no sooner than this. */
const RETRY_MS = 60_000;

interface Discovered {
  /** The token endpoint's origin, or null when discovery failed and nothing was known before. */
  origin: string | null;
  at: number;
}

/**
 * The origins the console page must be allowed to `fetch` for each identity provider beyond the
 * issuer's own: its token endpoint, which the page calls for the PKCE code exchange. Many providers
 * serve it from the issuer's origin, but not all (Google's is on `oauth2.googleapis.com`, its issuer
 * `accounts.google.com`), and a CSP that names only the issuer would block the exchange.
 *
 * Read from each provider's discovery document, as the page itself reads it, and only when the
 * document names the configured issuer (OpenID Connect Discovery 1.0 §4.3). A failure never stops
 * the page: it is served with the origins known so far, and discovery is tried again later.
 */
export class ConsoleProviderOrigins {
  private readonly discovered = new Map<string, Discovered>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly providers: readonly ConsoleIdentityProvider[],
    private readonly log: Logger,
  ) {}

  /** Token endpoint origins known now, after refreshing any that are due (waiting at most a few seconds). */
  async tokenEndpointOrigins(): Promise<string[]> {
    await Promise.all(this.providers.map(({ issuer }) => this.refreshIfDue(issuer)));
    const origins = this.providers.map(({ issuer }) => this.discovered.get(issuer)?.origin);
    return [...new Set(origins.filter((origin): origin is string => !!origin))];
  }

  private refreshIfDue(issuer: string): Promise<void> {
    const known = this.discovered.get(issuer);
    if (known && Date.now() - known.at < (known.origin ? REFRESH_MS : RETRY_MS)) return Promise.resolve();
    let running = this.pending.get(issuer);
    if (!running) {
      running = this.discover(issuer).finally(() => this.pending.delete(issuer));
      this.pending.set(issuer, running);
    }
    return running;
  }

  private async discover(issuer: string): Promise<void> {
    const url = discoveryUrl(issuer);
    try {
      const metadata = await readDiscoveryDocument(issuer, DISCOVERY_TIMEOUT_MS);
      // The console's issuer has no trailing slash; the configured one, which the document repeats, may.
      if (typeof metadata.issuer !== "string" || metadata.issuer.replace(/\/+$/, "") !== issuer)
        throw new Error(`${url} names another issuer (${String(metadata.issuer).slice(0, 200)})`);
      const origin = tokenEndpointOrigin(issuer, metadata.token_endpoint);
      if (!origin) throw new Error(`${url} names no token_endpoint on a plain origin`);
      this.discovered.set(issuer, { origin, at: Date.now() });
    } catch (error) {
      const previous = this.discovered.get(issuer)?.origin ?? null;
      this.discovered.set(issuer, { origin: previous, at: Date.now() });
      this.log.warn(
        { issuer, reason: error instanceof Error ? error.message : String(error), retryInMs: RETRY_MS },
        "the console could not read an identity provider's discovery document: its token endpoint is allowed only if it shares the issuer's origin",
      );
    }
  }
}

/**
 * The origin of a discovery document's `token_endpoint`, fit for the console's CSP, or null. Only a
 * plain host name or IP address (and port) qualifies: a URL's origin may keep `;`, `,` or `'`,
 * which would end the directive or start another policy. Plain http only for an http issuer (a
 * provider on this machine, in development and tests).
 */
export function tokenEndpointOrigin(issuer: string, tokenEndpoint: unknown): string | null {
  if (typeof tokenEndpoint !== "string") return null;
  let origin: string;
  try {
    origin = new URL(tokenEndpoint).origin;
  } catch {
    return null;
  }
  const scheme = issuer.startsWith("http://") ? "https?" : "https";
  return new RegExp(`^${scheme}://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:\\d+)?$`).test(origin) ? origin : null;
}
