import { mkdir } from "node:fs/promises";
import http from "node:http";
import { type AddressInfo, createServer } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AxeViolation, axeViolations, describeViolations } from "../support/axe";
import { chromiumAvailability } from "../support/chromium";
import { launchChromium } from "../support/elements-host";
import { trustedIssuers } from "../support/federation";
import { createOrganization, graphql } from "../support/graphql-client";
import type { InPage, PageElement } from "../support/in-page";
import { keyTeam } from "../support/keys";
import { startOidcProvider, type TestIdentityProvider } from "../support/oidc-provider";
import { startTestServer, type TestServer } from "../support/server";

const { run } = chromiumAvailability();
/** The console's own scopes at the test provider: its resource server grants `latchkey`. */
const CONSOLE_SCOPE = "openid email profile latchkey";
const SCREENSHOTS = path.resolve(__dirname, "../../docs/screenshots");

/** A free port on 127.0.0.1: the provider must know the console's redirect URI before Latchkey starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

const serious = (violations: AxeViolation[]) => violations.filter((violation) => ["serious", "critical"].includes(violation.impact ?? ""));

async function expectAccessible(page: Page): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    expect(describeViolations(serious(await axeViolations(page, scheme))), `${scheme}: ${page.url()}`).toEqual([]);
  }
}

/** What the console keeps in the tab: its session, as the page sees it. */
const storedSession = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem(
      "latchkey-console-session",
    ),
  );

/** `<latchkey-console>`: its pages live in its shadow root. */
type ConsoleHost = PageElement & { shadowRoot: PageElement | null };

/** An element's `organization` attribute and whether its `token` property is the given one. */
const elementInputs = (page: Page, tag: string, token: string) =>
  page.evaluate(
    ([tag, token]) => {
      const element = (
        (globalThis as unknown as InPage).document.querySelector("latchkey-console") as ConsoleHost | null
      )?.shadowRoot?.querySelector(tag as string) as (PageElement & { token?: string }) | null | undefined;
      return element ? { organization: element.getAttribute("organization"), hasToken: element.token === token } : null;
    },
    [tag, token] as const,
  );

/**
 * A provider's discovery document on 127.0.0.1 whose token endpoint sits on another origin
 * (`localhost`), as Google's does (`accounts.google.com` issues, `oauth2.googleapis.com` exchanges
 * codes), or one that answers 500 when `broken`.
 */
async function startDiscoveryDocument(options: { broken?: boolean } = {}) {
  let reads = 0;
  const server = http.createServer((request, response) => {
    reads++;
    const port = (server.address() as AddressInfo).port;
    if (options.broken || request.url !== "/.well-known/openid-configuration") {
      response.writeHead(500).end();
      return;
    }
    // The console page reads it from its own origin, as it reads a real provider's.
    response.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
    response.end(
      JSON.stringify({
        issuer: `http://127.0.0.1:${port}/`,
        authorization_endpoint: `http://127.0.0.1:${port}/authorize`,
        token_endpoint: `http://localhost:${port}/token`,
        jwks_uri: `http://127.0.0.1:${port}/jwks`,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    issuer: `http://127.0.0.1:${port}/`,
    origin: `http://127.0.0.1:${port}`,
    tokenOrigin: `http://localhost:${port}`,
    reads: () => reads,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("the console page the server serves", () => {
  let latchkey: TestServer;
  let provider: Awaited<ReturnType<typeof startDiscoveryDocument>>;
  let broken: Awaited<ReturnType<typeof startDiscoveryDocument>>;
  beforeAll(async () => {
    provider = await startDiscoveryDocument();
    broken = await startDiscoveryDocument({ broken: true });
    latchkey = await startTestServer({
      AUTH_ISSUERS: JSON.stringify([
        { issuer: provider.issuer, audience: "https://keys.example.com", consoleClientId: "console-app" },
        { issuer: broken.issuer, audience: "https://keys.example.com", consoleClientId: "console-app" },
      ]),
    });
  });
  afterAll(async () => {
    await latchkey?.stop();
    await provider?.stop();
    await broken?.stop();
  });

  it("answers / and its pages with one HTML page under a CSP that runs scripts from this server only", async () => {
    for (const pathname of ["/", "/keys", "/settings", "/callback"]) {
      const response = await fetch(`${latchkey.url}${pathname}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(policy).toContain("script-src 'self';");
      expect(policy).toContain(`connect-src 'self' ${provider.origin} ${broken.origin} ${provider.tokenOrigin};`);
      expect(policy).toContain("frame-ancestors 'none'");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      const page = await response.text();
      expect(page).toContain('<meta name="color-scheme" content="light dark">');
      expect(page).toContain('<script type="module" src="/elements/v1/latchkey-elements.js"></script>');
      expect(page).toContain("<latchkey-console>");
    }
  });

  it("lets the page reach a provider's token endpoint on another origin, read once from its discovery document; a broken one adds nothing and is not asked on every load", async () => {
    // The first test's page loads read both documents (the server's token verification may read
    // them too); these loads are answered from what was read.
    const [providerReads, brokenReads] = [provider.reads(), broken.reads()];
    expect(providerReads).toBeGreaterThan(0);
    expect(brokenReads).toBeGreaterThan(0);
    for (let load = 0; load < 3; load++) {
      const policy = (await fetch(latchkey.url)).headers.get("content-security-policy") ?? "";
      expect(policy).toContain(`connect-src 'self' ${provider.origin} ${broken.origin} ${provider.tokenOrigin};`);
    }
    expect([provider.reads(), broken.reads()]).toEqual([providerReads, brokenReads]);
  });

  it("tells the page how to sign in: password on, the provider's issuer, audience and public client ID, nothing secret", async () => {
    const page = await (await fetch(latchkey.url)).text();
    const json = /<script type="application\/json" id="latchkey-console-config">(.*?)<\/script>/s.exec(page)?.[1] ?? "";
    expect(JSON.parse(json)).toEqual({
      passwordSignIn: true,
      passwordSignUp: true,
      identityProviders: [provider, broken].map(({ origin }) => ({
        issuer: origin,
        clientId: "console-app",
        audience: "https://keys.example.com",
        audienceParameter: "resource",
        scope: "openid email profile",
      })),
    });
  });

  it("still answers other paths with JSON 404", async () => {
    const response = await fetch(`${latchkey.url}/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
  });
});

describe.runIf(run)("the console at /, in Chromium", () => {
  let provider: TestIdentityProvider;
  /** A provider that wants the token's audience as `audience`, as Auth0 does: only its sign-in request is looked at. */
  let audienceProvider: Awaited<ReturnType<typeof startDiscoveryDocument>>;
  let latchkey: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startOidcProvider({ redirectUris: [`http://127.0.0.1:${port}/callback`] });
    audienceProvider = await startDiscoveryDocument();
    latchkey = await startTestServer({
      PORT: String(port),
      AUTH_ISSUERS: JSON.stringify([
        ...JSON.parse(trustedIssuers([provider, { consoleClientId: provider.clientId, consoleScope: CONSOLE_SCOPE }])),
        {
          issuer: audienceProvider.issuer,
          audience: "https://keys.example.com",
          consoleClientId: "console-app",
          consoleAudienceParameter: "audience",
        },
      ]),
    });
    expect(latchkey.url).toBe(`http://127.0.0.1:${port}`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await latchkey?.stop();
    await provider?.stop();
    await audienceProvider?.stop();
  });

  async function openConsole(): Promise<Page> {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${latchkey.url}/`);
    await page.getByRole("heading", { name: "Sign in to Latchkey" }).waitFor();
    return page;
  }

  async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  /** A key's row in the keys table, whether its name is a cell or the row's header. */
  const keyRow = (page: Page, name: string) => page.locator("latchkey-keys").getByRole("row", { name: new RegExp(name) });
  const switcher = (page: Page) => page.getByRole("combobox", { name: "Organization", exact: true });
  const navigation = (page: Page) => page.getByRole("navigation", { name: "Console pages" });

  it("signs in with a password, says a wrong one in plain words, switches organisations, shows every page with its element, and signs out", async () => {
    const team = await keyTeam(latchkey, "Console Motors");
    await team.createKey({ name: "Dealer portal sync" });
    const second = await createOrganization(latchkey, team.owner.token, "Second Garage");
    const page = await openConsole();
    if (process.env.SCREENSHOTS === "1") await saveScreenshots(page, "console-sign-in");
    const refusedByPolicy: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refusedByPolicy.push(message.text());
    });
    await expectAccessible(page);

    await signInWithPassword(page, team.owner.email, "not the password");
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Email or password is incorrect.");
    expect(await storedSession(page)).toBeNull();

    await signInWithPassword(page, team.owner.email, team.owner.password);
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    await keyRow(page, "Dealer portal sync").waitFor();
    expect(new URL(page.url()).pathname).toBe("/keys");
    expect(new URL(page.url()).searchParams.get("organization")).toBe(team.organization.id);
    const token = JSON.parse((await storedSession(page)) ?? "{}").token as string;
    expect(await elementInputs(page, "latchkey-keys", token)).toEqual({ organization: team.organization.id, hasToken: true });
    await expect.poll(() => page.title()).toBe("API keys · Console Motors · Latchkey");
    await expectAccessible(page);
    if (process.env.SCREENSHOTS === "1") await saveScreenshots(page, "console-keys");

    // The switcher lists the viewer's organisations; choosing one shows its keys.
    await switcher(page).selectOption({ label: "Second Garage" });
    await expect.poll(() => elementInputs(page, "latchkey-keys", token)).toEqual({ organization: second.id, hasToken: true });
    expect(new URL(page.url()).searchParams.get("organization")).toBe(second.id);
    await expect.poll(() => keyRow(page, "Dealer portal sync").count()).toBe(0);
    await switcher(page).selectOption({ label: "Console Motors" });
    await keyRow(page, "Dealer portal sync").waitFor();

    const pages = [
      ["Webhooks", "/webhooks", "latchkey-webhooks"],
      ["Members", "/members", "latchkey-members"],
      ["Roles", "/roles", "latchkey-roles"],
      ["Audit log", "/audit", "latchkey-audit-log"],
      ["Settings", "/settings", "latchkey-organization-settings"],
    ] as const;
    for (const [label, pathname, tag] of pages) {
      await navigation(page).getByRole("link", { name: label }).click();
      await page.getByRole("heading", { name: label, level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe(pathname);
      expect(await navigation(page).getByRole("link", { name: label }).getAttribute("aria-current")).toBe("page");
      expect(await elementInputs(page, tag, token)).toEqual({ organization: team.organization.id, hasToken: true });
      await expectAccessible(page);
    }

    // By keyboard alone: a link followed with Enter shows its page and puts focus on the page's heading.
    await navigation(page).getByRole("link", { name: "Members" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    await expect.poll(() => page.evaluate(focusedInConsole)).toBe("H1 Members");
    // Back from the heading to the last link of the navigation.
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();

    // A reload keeps the tab signed in and on the same page; the browser's back button goes back a page.
    await page.reload();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();

    // The policy lets the console reach this server's GraphQL socket (live elements) and blocks nothing it uses.
    expect(await page.evaluate(socketOpens, `${latchkey.url.replace(/^http/, "ws")}/graphql`)).toBe(true);
    expect(refusedByPolicy).toEqual([]);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Latchkey" }).waitFor();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("You are signed out.");
    expect(await storedSession(page)).toBeNull();
    // The session was revoked on the server, not only forgotten by the tab.
    const refused = await graphql(latchkey, "{ viewer { email } }", {}, token);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
    await page.context().close();
  });

  it("offers a Viewer only the pages it may use, even when the address names another", async () => {
    const team = await keyTeam(latchkey, "Viewer Garage");
    const viewer = await team.addMember("Vera Viewer", "Viewer");
    const page = await openConsole();
    await signInWithPassword(page, viewer.email, viewer.password);
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    expect(await navigation(page).getByRole("link").allTextContents()).toEqual(["API keys"]);
    for (const pathname of ["/settings", "/members", "/webhooks", "/roles", "/audit"]) {
      await page.goto(`${latchkey.url}${pathname}?organization=${encodeURIComponent(team.organization.id)}`);
      await page.getByRole("heading", { name: "API keys" }).waitFor();
      await expect.poll(() => new URL(page.url()).pathname).toBe("/keys");
      expect(await page.locator("latchkey-organization-settings, latchkey-members, latchkey-webhooks, latchkey-roles").count()).toBe(0);
    }
    await expectAccessible(page);
    await page.context().close();
  });

  it("signs in at the identity provider by code and PKCE, then creates the person's first organisation", async () => {
    provider.setAccount("console-person", { email: "console.person@example.test", email_verified: true, name: "Console Person" });
    const page = await openConsole();
    await page.getByRole("button", { name: `Sign in with 127.0.0.1:${provider.port}` }).click();
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.fill('input[name="login"]', "console-person");
    await page.fill('input[name="password"]', "any password");
    await page.click('button[type="submit"]');
    await page.waitForURL((url) => url.origin === latchkey.url || url.pathname.includes("/interaction/"));
    if (new URL(page.url()).origin === provider.issuer) {
      await page.click('button[type="submit"]');
    }
    await page.getByRole("heading", { name: "Create an organization" }).waitFor();
    expect(new URL(page.url()).pathname).not.toBe("/callback");
    const session = JSON.parse((await storedSession(page)) ?? "{}") as { token: string; via: string };
    expect(session.via).toBe("provider");
    const claims = JSON.parse(Buffer.from(session.token.split(".")[1] ?? "", "base64url").toString()) as { iss: string; sub: string };
    expect(claims).toMatchObject({ iss: provider.issuer, sub: "console-person" });
    await expectAccessible(page);

    await page.getByLabel("Organization name").fill("Federated Garage");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    await expect.poll(() => switcher(page).locator("option:checked").textContent()).toBe("Federated Garage");
    const viewer = await graphql(latchkey, "{ viewer { email memberships { role { name } organization { name } } } }", {}, session.token);
    expect(viewer.data?.viewer).toEqual({
      email: "console.person@example.test",
      memberships: [{ role: { name: "Owner" }, organization: { name: "Federated Garage" } }],
    });
    await page.context().close();
  });

  it("refuses a callback it did not start, or one the provider refused, in plain words, and stays signed out", async () => {
    const notStarted = "This sign-in was not started here, or was already used. Sign in again.";
    const page = await openConsole();
    await page.goto(`${latchkey.url}/callback?code=forged-code&state=forged-state`);
    await expect.poll(() => page.getByRole("alert").textContent()).toBe(notStarted);
    expect(new URL(page.url()).pathname).toBe("/");
    // A link anyone could send: its words never reach the console's alert.
    await page.goto(`${latchkey.url}/callback?error=access_denied&error_description=Your+account+is+locked,+call+0900+123`);
    await expect.poll(() => page.getByRole("alert").textContent()).toBe(notStarted);
    // The provider's own refusal of a sign-in this console started (same state) is said in its words.
    const authorization = page.waitForRequest((request) => request.url().startsWith(`${provider.issuer}/auth`));
    await page.getByRole("button", { name: `Sign in with 127.0.0.1:${provider.port}` }).click();
    const authorizationUrl = new URL((await authorization).url());
    expect(authorizationUrl.searchParams.get("resource")).toBe(provider.audience);
    const state = authorizationUrl.searchParams.get("state");
    // The provider's sign-in page, reached by a redirect: navigating away earlier would race it.
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.includes("/interaction/"));
    await page.goto(`${latchkey.url}/callback?error=access_denied&error_description=The+person+said+no&state=${state}`);
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("The identity provider refused the sign-in: The person said no.");
    expect(await storedSession(page)).toBeNull();
    await page.context().close();
  });

  it("names the token's audience as `audience` to a provider configured so (Auth0), and as `resource` to the others", async () => {
    const page = await openConsole();
    const authorization = page.waitForRequest((request) => request.url().startsWith(`${audienceProvider.origin}/authorize`));
    await page.getByRole("button", { name: `Sign in with ${new URL(audienceProvider.origin).host}` }).click();
    const parameters = new URL((await authorization).url()).searchParams;
    expect(parameters.get("audience")).toBe("https://keys.example.com");
    expect(parameters.has("resource")).toBe(false);
    expect(parameters.get("code_challenge_method")).toBe("S256");
    await page.context().close();
  });

  it("creates an account with a password when sign-up is on", async () => {
    const page = await openConsole();
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Name").fill("New Console User");
    await page.getByLabel("Email").fill(`new.console.${process.pid}@example.test`);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    // The browser refuses a too-short password before the server is asked; a long one creates the account.
    expect(await storedSession(page)).toBeNull();
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Create an organization" }).waitFor();
    await page.context().close();
  });
});

/** In the page: the element focused inside the console, as "TAG text". */
function focusedInConsole(): string {
  const host = (globalThis as unknown as InPage).document.querySelector("latchkey-console") as
    | (ConsoleHost & { shadowRoot: { activeElement?: PageElement | null } })
    | null;
  const focused = host?.shadowRoot?.activeElement;
  return focused ? `${focused.localName.toUpperCase()} ${focused.textContent ?? ""}` : "nothing";
}

/** In the page: whether a WebSocket to `url` opens (the page's CSP would refuse it before any connection). */
function socketOpens(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket(url, "graphql-transport-ws");
    socket.onopen = () => {
      socket.close();
      resolve(true);
    };
    socket.onerror = () => resolve(false);
  });
}

/** The keys page in light and dark, for the README (`SCREENSHOTS=1`). */
async function saveScreenshots(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1100, height: 560 });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: "light" });
}
