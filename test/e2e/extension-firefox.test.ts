import type { ElementHandle, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import {
  ensureFirefoxExtensionBuilt,
  type FirefoxWithExtension,
  firefoxAvailability,
  launchFirefoxWithExtension,
} from "../support/firefox";
import type { UntypedData } from "../support/graphql-client";
import type { InPage, PageElement } from "../support/in-page";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { startTestPage } from "../support/test-page";

const { run } = firefoxAvailability();
/** A headed Firefox on a virtual display, beside every other test file on two cores: room for a slow moment. */
const BROWSER_TEST_TIMEOUT_MS = 60_000;

/**
 * Finds an element by its agreed `data-testid`, or else as a user would: an input by its label's
 * text, a button by its accessible name. Evaluated in the page, so it works alike over WebDriver BiDi.
 */
async function control(scope: Page, within: string | null, testId: string, name: string, kind: "input" | "button"): Promise<ElementHandle> {
  // It may be about to appear (a prompt opening): look again for a while, as a user would.
  let found: ElementHandle | null = null;
  for (let attempt = 0; attempt < 50 && !found; attempt += 1) {
    found = await find(scope, within, testId, name, kind);
    if (!found) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!found) throw new Error(`No ${kind} "${name}" (data-testid "${testId}")${within ? ` in ${within}` : ""}`);
  // An action in a closed menu: open the menu first, with its button, as a user would.
  await found.evaluate((handle) => {
    const element = handle as unknown as PageElement;
    const menu = element.closest("[role=menu][hidden]");
    menu?.parentElement?.querySelector("button[aria-haspopup], button")?.click();
  });
  return found;
}

async function find(scope: Page, within: string | null, testId: string, name: string, kind: "input" | "button") {
  const handle = await scope.evaluateHandle(
    (within, testId, name, kind) => {
      const page = (globalThis as unknown as InPage).document;
      const root = (within ? page.querySelector(within) : page) ?? page;
      const byTestId = root.querySelectorAll(`[data-testid="${testId}"]`);
      if (byTestId.length) return byTestId[byTestId.length - 1];
      const text = (element: PageElement) => (element.getAttribute("aria-label") ?? element.textContent ?? "").trim();
      if (kind === "button") {
        // By its text or accessible name ("Reveal", or "Reveal of CRM sync"), also as an item of a menu.
        const matches = (button: PageElement) =>
          text(button) === name || text(button).startsWith(`${name} of `) || button.textContent?.trim() === name;
        const buttons = [...root.querySelectorAll("button, [role=menuitem]")].filter((button) => matches(button) && !button.hidden);
        const visible = buttons.filter((button) => !button.closest("[hidden]"));
        return visible[visible.length - 1] ?? buttons[buttons.length - 1] ?? null;
      }
      const named = [...root.querySelectorAll("input, textarea, select")].find((input) =>
        input.getAttribute("aria-label")?.startsWith(name),
      );
      const labels = [...root.querySelectorAll("label")];
      const label =
        labels.find((candidate) => candidate.textContent?.trim() === name) ??
        labels.find((candidate) => candidate.textContent?.includes(name));
      return named ?? label?.control ?? null;
    },
    within,
    testId,
    name,
    kind,
  );
  return handle.asElement() as ElementHandle | null;
}

const bodyText = (page: Page) => page.evaluate(() => (globalThis as unknown as InPage).document.body.textContent);

/** Empties a field, then types into it key by key, as a user would. */
async function fill(field: ElementHandle, text: string) {
  await field.evaluate((input) => {
    (input as unknown as PageElement).value = "";
  });
  await field.type(text);
}

/** The main flows of the extension in Debian's Firefox ESR, as in Chromium: sign in, list, reveal, copy, palette. */
describe.runIf(run)("the browser extension in Firefox, against a real Latchkey", () => {
  let server: TestServer;
  let firefox: FirefoxWithExtension;
  let testPage: Awaited<ReturnType<typeof startTestPage>>;
  let team: Awaited<ReturnType<typeof keyTeam>>;
  let crm: { secret: string; key: UntypedData };
  let billing: { secret: string; key: UntypedData };
  let popup: Page;

  beforeAll(async () => {
    ensureFirefoxExtensionBuilt();
    [server, testPage] = await Promise.all([startTestServer(), startTestPage()]);
    team = await keyTeam(server, "Firefox Dealer");
    crm = await team.createKey({ name: "CRM sync" });
    billing = await team.createKey({ name: "Billing webhook" });
    firefox = await launchFirefoxWithExtension();
  }, 120_000);

  afterAll(async () => {
    await firefox?.stop();
    await Promise.all([server?.stop(), testPage?.stop()]);
  });

  /**
   * Opens one of the extension's pages in a tab. WebDriver BiDi may not navigate a tab to a
   * moz-extension:// address, but a web page may go to the extension's web-accessible page (the
   * palette's frame), and from there, being the extension's own origin, to any of its pages.
   */
  const extensionPage = async (name: string): Promise<Page> => {
    const page = await firefox.browser.newPage();
    await page.goto(testPage.url);
    const at = () => page.evaluate(() => (globalThis as unknown as InPage).location.href).catch(() => "");
    await page.evaluate((url) => {
      (globalThis as unknown as InPage).location.href = url;
    }, `${firefox.extensionOrigin}/palette-frame.html`);
    await expect.poll(at).toBe(`${firefox.extensionOrigin}/palette-frame.html`);
    await page.evaluate((path) => {
      (globalThis as unknown as InPage).location.href = path;
    }, `/${name}.html`);
    await expect.poll(at).toBe(`${firefox.extensionOrigin}/${name}.html`);
    return page;
  };

  it(
    "signs in through the options page",
    async () => {
      const options = await extensionPage("options");
      // The page fills in what it has stored once it has asked the background; type after that.
      await expect.poll(() => bodyText(options)).toMatch(/signed in/i);
      await fill(await control(options, null, "sign-in-server", "Server URL", "input"), server.url);
      await fill(await control(options, null, "sign-in-email", "Email", "input"), team.owner.email);
      await fill(await control(options, null, "sign-in-password", "Password", "input"), team.owner.password);
      await (await control(options, null, "sign-in-submit", "Sign in", "button")).click();
      await expect.poll(() => bodyText(options), { timeout: 15_000 }).toContain(`Signed in as ${team.owner.email}`);
      await options.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "lists the user's keys in the popup, masked, with search",
    async () => {
      popup = await extensionPage("popup");
      const rows = () => popup.$$eval('[data-testid="key-row"], li.key', (found) => found.map((row) => row.getAttribute("data-key-id")));
      await expect.poll(rows, { timeout: 15_000 }).toEqual(expect.arrayContaining([crm.key.id, billing.key.id]));
      const text = await bodyText(popup);
      expect(text).toContain(crm.key.maskedSecret);
      expect(text).not.toContain(crm.secret);
      await fill(await control(popup, null, "search", "Search keys", "input"), "billing");
      await expect.poll(rows).toEqual([billing.key.id]);
      await popup.evaluate(() => {
        const search = (globalThis as unknown as InPage).document.querySelector('[data-testid="search"], input[type="search"]');
        if (search) search.value = "";
        search?.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await expect.poll(rows).toEqual(expect.arrayContaining([crm.key.id, billing.key.id]));
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "reveals a secret for a reason the server writes into the audit log, and copies it",
    async () => {
      const row = `[data-key-id="${crm.key.id}"]`;
      await (await control(popup, row, "reveal", "Reveal", "button")).click();
      const reason = await control(popup, row, "reason", "Why do you need the secret", "input");
      await reason.type("Configuring the CRM webhook in Firefox");
      await reason.press("Enter");
      await expect
        .poll(() => popup.$eval(row, (element) => (element as unknown as PageElement).textContent), { timeout: 10_000 })
        .toContain(crm.secret);
      const log = await auditLog(server, team.owner.token, team.organization.id, { actions: ["KEY_REVEALED"], targetId: crm.key.id });
      expect(log.nodes[0]).toMatchObject({ reason: "Configuring the CRM webhook in Firefox", actor: { email: team.owner.email } });

      await (await control(popup, row, "copy", "Copy secret", "button")).click();
      await expect.poll(() => popup.$eval(row, (element) => (element as unknown as PageElement).textContent)).toMatch(/Copied/);
      expect(await popup.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText())).toBe(crm.secret);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "opens the palette with Alt+Shift+K and inserts the chosen key; the page hears none of the typing",
    async () => {
      const page = await firefox.browser.newPage();
      await page.goto(testPage.url);
      await page.bringToFront();
      await page.click("#api-key");
      firefox.keyboard.press("Provider settings", "alt+shift+k");
      await page.waitForSelector("latchkey-palette", { timeout: 10_000 });
      // The palette's search has the focus once its frame has attached; the page then holds only the frame's host.
      await expect
        .poll(() => page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.localName))
        .toBe("latchkey-palette");
      await page.evaluate(() => {
        (globalThis as unknown as InPage).heardEvents = [];
      });
      firefox.keyboard.type("Provider settings", "Billing");
      expect(await page.evaluate(() => (globalThis as unknown as InPage).heardEvents)).toEqual([]);
      firefox.keyboard.press("Provider settings", "Return");
      await expect
        .poll(() => page.$eval("#api-key", (input) => (input as unknown as PageElement).value), { timeout: 10_000 })
        .toBe(billing.secret);
      await page.waitForSelector("latchkey-palette", { hidden: true });
      // By now every key typed in the palette has been handled: still none reached the page, only the fill's input event.
      const heard: { type: string; target: string | null }[] = await page.evaluate(() => (globalThis as unknown as InPage).heardEvents);
      expect(heard.filter((event) => event.type !== "input" || event.target !== "api-key")).toEqual([]);
      const log = await auditLog(server, team.owner.token, team.organization.id, { actions: ["KEY_REVEALED"], targetId: billing.key.id });
      expect(log.nodes[0]?.reason).toBe(`Fill into ${new URL(testPage.url).host}`);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
