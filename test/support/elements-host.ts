import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium, type Page } from "playwright-core";
import { chromiumPath } from "./chromium";
import { trustedIssuers } from "./federation";
import type { InPage } from "./in-page";
import { startOidcProvider, type TestIdentityProvider } from "./oidc-provider";
import { startTestServer, type TestServer } from "./server";

/** A host product's settings page on its own origin that embeds Latchkey Elements from a Latchkey server. */
export interface ElementsHost {
  /** `http://127.0.0.1:PORT`: what the browser sends as `Origin` (put it in the server's `CORS_ORIGINS`). */
  readonly origin: string;
  /**
   * Serves `body` (HTML with the elements' tags) at `path`, in a page that loads the bundle from
   * `latchkeyUrl` as a host would: one `<script type="module">`, nothing else of ours. Returns its URL.
   */
  page(path: string, latchkeyUrl: string, body: string, options?: { integrity?: string; bundlePath?: string }): string;
  stop(): Promise<void>;
}

export async function startElementsHost(): Promise<ElementsHost> {
  const pages = new Map<string, string>();
  const server: Server = createServer((request, response) => {
    const html = pages.get(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    if (!html) return response.writeHead(404).end();
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    page(path, latchkeyUrl, body, options = {}) {
      const src = `${latchkeyUrl}${options.bundlePath ?? "/elements/v1/latchkey-elements.js"}`;
      const integrity = options.integrity ? ` integrity="${options.integrity}"` : "";
      pages.set(
        path,
        `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Host product settings</title>
    <script type="module" src="${src}"${integrity} crossorigin="anonymous"></script>
  </head>
  <body>
    <main>
      <h1>Settings</h1>
      ${body}
    </main>
  </body>
</html>`,
      );
      return `${origin}${path}`;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A headless Chromium (Debian's), as the cross-origin and elements tests use it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath() ?? undefined,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
  });
}

/**
 * Hands every element matching `selector` its credential, as a host does after its own sign-in:
 * a fixed `token`, or a `getToken()` that answers with the page's current `window.hostToken` (so a
 * test can "refresh" the token by changing that global).
 */
export async function giveCredential(page: Page, selector: string, token: string, how: "token" | "getToken" = "getToken"): Promise<void> {
  await page.waitForFunction(
    (tag) => (globalThis as unknown as InPage).customElements.get(tag) !== undefined,
    selector.split(/[\s.#[:]/)[0] ?? selector,
  );
  await page.evaluate(
    ({ selector, token, how }) => {
      const host = globalThis as unknown as {
        hostToken: string;
        document: { querySelectorAll(s: string): ArrayLike<Record<string, unknown>> };
      };
      host.hostToken = token;
      for (const element of Array.from(host.document.querySelectorAll(selector))) {
        if (how === "token") element.token = token;
        else element.getToken = async () => host.hostToken;
      }
    },
    { selector, token, how },
  );
}

/** What an elements e2e file runs against: a host page's origin, an identity provider, Latchkey trusting both, and Chromium. */
export interface ElementsWorld {
  host: ElementsHost;
  provider: TestIdentityProvider;
  latchkey: TestServer;
  browser: Browser;
  stop(): Promise<void>;
}

/**
 * Starts an elements e2e file's world: Latchkey admits the host page's origin (`CORS_ORIGINS`) and
 * trusts the provider's tokens (`AUTH_ISSUERS`), plus whatever `env` adds.
 */
export async function startElementsWorld(env: Record<string, string> = {}): Promise<ElementsWorld> {
  const host = await startElementsHost();
  const provider = await startOidcProvider();
  const latchkey = await startTestServer({ ...env, CORS_ORIGINS: host.origin, AUTH_ISSUERS: trustedIssuers(provider) });
  const browser = await launchChromium();
  return {
    host,
    provider,
    latchkey,
    browser,
    async stop() {
      await browser.close();
      await latchkey.stop();
      await provider.stop();
      await host.stop();
    },
  };
}
