import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailability, chromiumPath } from "../support/chromium";
import { eventually } from "../support/eventually";
import { graphqlData, type UntypedData } from "../support/graphql-client";
import { type HostFrontend, type InHostFrontend, startHostFrontend } from "../support/host-frontend";
import { acceptAgreement, CONTACT, CREATE_KEY } from "../support/keys";
import { metricValue } from "../support/metrics";
import { startOidcProvider, type TestIdentityProvider } from "../support/oidc-provider";
import { startTestServer, type TestServer } from "../support/server";

const { run } = chromiumAvailability();

const KEY_EVENTS = `subscription($organizationId: ID!) { keyEvents(organizationId: $organizationId) { type keyId } }`;
const CREATE_ORGANIZATION = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } userErrors { code } } }`;
/** Subscriptions the server has registered since it started: the signal that events now reach one. */
const SUBSCRIPTIONS_OPENED = "latchkey_event_subscriptions_total";

describe.runIf(run)("a host product's frontend on another origin, in Chromium, with a real OpenID provider", () => {
  let listed: HostFrontend;
  let unlisted: HostFrontend;
  let provider: TestIdentityProvider;
  let latchkey: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [listed, unlisted] = await Promise.all([startHostFrontend(), startHostFrontend()]);
    // The provider lets both pages sign in: only Latchkey tells them apart.
    provider = await startOidcProvider({ redirectUris: [listed.redirectUri, unlisted.redirectUri] });
    latchkey = await startTestServer({
      CORS_ORIGINS: listed.origin,
      AUTH_ISSUERS: JSON.stringify([{ issuer: provider.issuer, audience: provider.audience }]),
    });
    for (const frontend of [listed, unlisted]) {
      frontend.configure({ issuer: provider.issuer, clientId: provider.clientId, audience: provider.audience, latchkeyUrl: latchkey.url });
    }
    browser = await chromium.launch({
      executablePath: chromiumPath() ?? undefined,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await latchkey?.stop();
    await provider?.stop();
    await Promise.all([listed?.stop(), unlisted?.stop()]);
  });

  /**
   * A person opens the frontend in a fresh profile, presses "Sign in", and signs in on the
   * provider's own pages (login, then consent): the page gets its token by PKCE, in the browser.
   */
  async function signInAt(frontend: HostFrontend, subject: string, email: string): Promise<Page> {
    provider.setAccount(subject, { email, email_verified: true, name: "Hosted Person" });
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${frontend.origin}/`);
    await page.click("#sign-in");
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.fill('input[name="login"]', subject);
    await page.fill('input[name="password"]', "any password");
    await page.click('button[type="submit"]');
    // The consent page, unless the provider skips it; then back on the frontend.
    await page.waitForURL((url) => url.origin === frontend.origin || url.pathname.includes("/interaction/"));
    if (new URL(page.url()).origin === provider.issuer) {
      await page.click('button[type="submit"]');
      await page.waitForURL((url) => url.origin === frontend.origin);
    }
    await expect.poll(() => page.textContent("#status"), { timeout: 10_000 }).not.toBe("signed out");
    expect(await page.evaluate(() => (globalThis as unknown as InHostFrontend).signInError ?? null)).toBeNull();
    expect(await page.textContent("#status")).toBe("signed in");
    return page;
  }

  const query = (page: Page, text: string, variables: Record<string, unknown> = {}) =>
    page.evaluate(([q, v]) => (globalThis as unknown as InHostFrontend).latchkeyQuery(q as string, v as Record<string, unknown>), [
      text,
      variables,
    ] as const);

  it("signs in at the provider from a listed origin, then queries GraphQL and hears key events over graphql-ws with the provider's token", async () => {
    const email = "hosted.person@example.test";
    const page = await signInAt(listed, "host-user-1", email);

    expect(await query(page, "{ viewer { email } }")).toEqual({ status: 200, body: { data: { viewer: { email } } } });
    const created = await query(page, CREATE_ORGANIZATION, { input: { name: "Hosted Motors" } });
    if (!("body" in created)) throw new Error(`the page could not create its organisation: ${created.failed}`);
    const organizationId = (created.body.data as UntypedData).createOrganization.organization.id as string;

    const before = await metricValue(latchkey, SUBSCRIPTIONS_OPENED);
    await page.evaluate(([q, id]) => (globalThis as unknown as InHostFrontend).latchkeySubscribe(q, { organizationId: id }), [
      KEY_EVENTS,
      organizationId,
    ] as const);
    await eventually(async () => expect(await metricValue(latchkey, SUBSCRIPTIONS_OPENED)).toBeGreaterThan(before));

    // Something happens in the organisation (here from Node, with the same token): the page hears it.
    const token = await page.evaluate(() => (globalThis as unknown as InHostFrontend).accessToken ?? "");
    await acceptAgreement(latchkey, token, organizationId);
    const { createKey } = await graphqlData(
      latchkey,
      CREATE_KEY,
      { input: { organizationId, name: "Made while the page listens", kind: "SECRET", contact: CONTACT } },
      token,
    );
    await eventually(async () => {
      const subscription = await page.evaluate(() => (globalThis as unknown as InHostFrontend).subscription);
      expect(subscription?.received).toContainEqual({ data: { keyEvents: { type: "key.created", keyId: createKey.key.id } } });
    });
  });

  it("refuses the same page from an origin not on the list: its browser may not read GraphQL, and the socket is refused", async () => {
    const email = "elsewhere.person@example.test";
    const page = await signInAt(unlisted, "host-user-2", email);
    const token = await page.evaluate(() => (globalThis as unknown as InHostFrontend).accessToken ?? "");

    const answer = await query(page, "{ viewer { email } }");
    expect(answer).toEqual({ failed: expect.stringContaining("Failed to fetch") });

    await page.evaluate(
      (q) => (globalThis as unknown as InHostFrontend).latchkeySubscribe(q, { organizationId: "T3JnYW5pemF0aW9uOjE=" }),
      KEY_EVENTS,
    );
    await eventually(async () =>
      expect((await page.evaluate(() => (globalThis as unknown as InHostFrontend).subscription))?.closedCode).toBe(1006),
    );
    expect((await page.evaluate(() => (globalThis as unknown as InHostFrontend).subscription))?.connected).toBe(false);

    // The token itself is good: only the page's origin was refused.
    expect(await graphqlData(latchkey, "{ viewer { email } }", {}, token)).toEqual({ viewer: { email } });
  });
});
