import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import { type AxeFinding, axeScript } from "../support/axe-script";
import { chromiumAvailability, type ExtensionBrowser, ensureExtensionBuilt, launchWithExtension } from "../support/chromium";
import type { UntypedData } from "../support/graphql-client";
import type { HeardEvent, InExtensionWorker, InPage } from "../support/in-page";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";
import { startTestPage } from "../support/test-page";

const RESULTS = path.resolve(__dirname, "../../test-results");

const { run, realKeyboard } = chromiumAvailability();
/** A headed browser on a virtual display, beside every other test file on two cores: room for a slow moment. */
const BROWSER_TEST_TIMEOUT_MS = 60_000;

/**
 * The Alt+Shift+K palette in Chromium, pressed with real keys (Xvfb and xdotool): it is drawn in the
 * extension's own frame, so the page hears none of its typing, and it fills the page's field.
 */
// One retry: see `detached` for the rare palette that stays open after Escape under load.
describe.runIf(run && realKeyboard)("the palette in Chromium, against a real Latchkey", { retry: 1 }, () => {
  let server: TestServer;
  let browser: ExtensionBrowser;
  let testPage: Awaited<ReturnType<typeof startTestPage>>;
  let team: Awaited<ReturnType<typeof keyTeam>>;
  let billing: { secret: string; key: UntypedData };
  let partner: { secret: string; key: UntypedData };
  let page: Page;

  beforeAll(async () => {
    ensureExtensionBuilt();
    await mkdir(RESULTS, { recursive: true });
    [server, testPage] = await Promise.all([startTestServer(), startTestPage()]);
    team = await keyTeam(server, "Palette Dealer");
    billing = await team.createKey({ name: "Billing webhook" });
    partner = await team.createKey({ name: "Partner portal", kind: "BASIC" });
    browser = await launchWithExtension();
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await options.getByLabel("Server URL").fill(server.url);
    await options.getByLabel("Email").fill(team.owner.email);
    await options.getByLabel("Password").fill(team.owner.password);
    await options.getByRole("button", { name: "Sign in", exact: true }).click();
    await options.getByText("Signed in", { exact: false }).first().waitFor({ timeout: 15_000 });
    await options.close();
    page = await browser.context.newPage();
    // A locator that finds nothing fails the test in good time, rather than waiting for the test's own timeout.
    page.setDefaultTimeout(10_000);
    await page.goto(testPage.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.stop();
    await Promise.all([server?.stop(), testPage?.stop()]);
  });

  const heard = (): Promise<HeardEvent[]> => page.evaluate(() => (globalThis as unknown as InPage).heardEvents);
  const forget = () => page.evaluate(() => ((globalThis as unknown as InPage).heardEvents = []));
  const host = () => page.locator("latchkey-palette");
  /**
   * Waits for the palette to close after Escape. About one run in ten under the full suite's load it
   * stayed open although its frame had focus and had said "Copied"; the cause is not found yet. So the
   * wait is bounded, and a failure says where focus was and what the palette said, then closes the
   * palette by clicking outside (as a user would) so that the next test and the retry start clean.
   */
  const detached = async () => {
    try {
      await host().waitFor({ state: "detached", timeout: 10_000 });
    } catch (error) {
      const frame = page.frames().find((candidate) => candidate.url().endsWith("/palette-frame.html"));
      const where = {
        pageFocus: await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.localName),
        frameFocus: await frame?.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.textContent).catch(String),
        status: await frame?.getByTestId("palette-status").textContent().catch(String),
      };
      await page.getByRole("heading", { name: "Webhook settings" }).click();
      throw new Error(`The palette stayed open after Escape: ${JSON.stringify(where)}`, { cause: error });
    }
  };
  const reveals = async (keyId: string) =>
    (await auditLog(server, team.owner.token, team.organization.id, { actions: ["KEY_REVEALED"], targetId: keyId })).nodes;

  /** Presses Alt+Shift+K on the browser window, as a user's keyboard does, and waits for the palette's frame. */
  const openPalette = async (): Promise<Frame> => {
    await page.bringToFront();
    if (!browser.keyboard) throw new Error("The palette tests press real keys: they need the virtual display (Xvfb and xdotool)");
    browser.keyboard.press("Provider settings", "alt+shift+k");
    await host().waitFor({ state: "attached", timeout: 10_000 });
    const paletteFrame = () => page.frames().find((candidate) => candidate.url().endsWith("/palette-frame.html"));
    await expect.poll(() => paletteFrame()?.url()).toBeTruthy();
    const frame = paletteFrame();
    if (!frame) throw new Error("The palette's frame detached as soon as it attached");
    // Focus is in the palette's search box once it has attached to its opening, and the page's focus
    // is on the palette's frame (its host), so key presses go there and not to the page's field.
    await expect
      .poll(() => frame.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.dataset?.testid))
      .toBe("palette-search");
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.localName))
      .toBe("latchkey-palette");
    return frame;
  };
  const focused = (frame: Frame) => frame.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.textContent as string);
  const axe = async (frame: Frame): Promise<AxeFinding[]> => frame.evaluate(axeScript());

  it(
    "draws the palette in an extension frame: typing in its search and reason reaches none of the page's listeners, and Enter fills the field",
    async () => {
      const commands = await browser.serviceWorker.evaluate(() => (globalThis as unknown as InExtensionWorker).chrome.commands.getAll());
      expect(commands).toContainEqual(expect.objectContaining({ name: "open-palette", shortcut: "Alt+Shift+K" }));
      await page.getByLabel("API key").click();
      const frame = await openPalette();
      // From here on the user types in the palette (the shortcut's own key presses were on the page).
      await forget();
      // The page is told nothing but that focus left its field.
      expect(await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.localName)).toBe("latchkey-palette");
      await page.keyboard.type("Billing");
      await expect.poll(() => frame.getByRole("option", { selected: true }).textContent()).toContain("Billing webhook");
      expect(await frame.getByRole("option", { selected: true }).textContent()).toContain("Secret · ");
      await frame.getByLabel("Reason (kept in the audit log)").focus();
      await page.keyboard.press("Control+A");
      await page.keyboard.type("Setting up the billing webhook");
      // Nothing: no key, input or message event (WXT's start-up postMessage is off, and the frame talks to the extension alone).
      expect(await heard()).toEqual([]);

      await page.screenshot({ path: path.join(RESULTS, "palette.png") });
      await page.keyboard.press("Enter");
      await expect.poll(() => page.getByLabel("API key").inputValue()).toBe(billing.secret);
      await detached();
      expect(await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.id)).toBe("api-key");
      // The fill announces itself to the page's framework (input), as typing would; no key event ever reached it.
      expect((await heard()).filter((event) => event.type !== "input" || event.target !== "api-key")).toEqual([]);
      expect((await reveals(billing.key.id))[0]?.reason).toBe("Setting up the billing webhook");
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "passes axe's WCAG 2.2 AA checks in light and dark mode",
    async () => {
      await page.getByLabel("API key").click();
      const frame = await openPalette();
      await page.keyboard.type("Partner");
      await expect.poll(() => frame.getByRole("option", { selected: true }).textContent()).toContain("Partner portal");
      await page.emulateMedia({ colorScheme: "light" });
      expect(await axe(frame)).toEqual([]);
      await page.emulateMedia({ colorScheme: "dark" });
      expect(await axe(frame)).toEqual([]);
      await page.screenshot({ path: path.join(RESULTS, "palette-dark.png") });
      await page.emulateMedia({ colorScheme: "light" });
      await page.keyboard.press("Escape");
      await detached();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "copies on Enter when focus is on Copy, without touching the page's field; focus stays in the palette, and Escape closes it",
    async () => {
      await page.getByLabel("API key").fill("");
      await page.getByLabel("API key").click();
      const frame = await openPalette();
      await page.keyboard.type("Billing");
      await expect.poll(() => frame.getByRole("option", { selected: true }).textContent()).toContain("Billing webhook");
      // Search, reason, Insert, Copy.
      for (let tab = 0; tab < 3; tab += 1) await page.keyboard.press("Tab");
      expect(await focused(frame)).toBe("Copy");
      const before = (await reveals(billing.key.id)).length;
      await page.keyboard.press("Enter");
      await expect.poll(() => frame.getByTestId("palette-status").textContent()).toContain("Copied the secret.");
      expect(await reveals(billing.key.id)).toHaveLength(before + 1);
      expect(await page.getByLabel("API key").inputValue()).toBe("");
      // Still in the palette, on the same button.
      expect(await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.localName)).toBe("latchkey-palette");
      expect(await focused(frame)).toBe("Copy");
      await page.keyboard.press("Escape");
      await detached();
      expect(await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.id)).toBe("api-key");
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "closes when the user clicks outside it, after a copy too",
    async () => {
      await page.getByLabel("API key").click();
      const frame = await openPalette();
      await page.keyboard.type("Billing");
      await expect.poll(() => frame.getByRole("option", { selected: true }).textContent()).toContain("Billing webhook");
      await frame.getByRole("button", { name: "Copy" }).click();
      await expect.poll(() => frame.getByTestId("palette-status").textContent()).toContain("Copied the secret.");
      await page.getByRole("heading", { name: "Webhook settings" }).click();
      await detached();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "opened with no field focused, copies instead of filling the field focused at an earlier opening",
    async () => {
      await page.getByLabel("API key").fill("");
      await page.getByRole("heading", { name: "Webhook settings" }).click();
      expect(await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.localName)).toBe("body");
      const frame = await openPalette();
      expect(await frame.getByRole("button", { name: "Insert" }).count()).toBe(0);
      await page.keyboard.type("Billing");
      await expect.poll(() => frame.getByRole("option", { selected: true }).textContent()).toContain("Billing webhook");
      const before = (await reveals(billing.key.id)).length;
      await page.keyboard.press("Enter");
      // The palette says the copy is done (as the user reads it) before it is closed.
      await expect.poll(() => frame.getByTestId("palette-status").textContent()).toContain("Copied the secret.");
      expect(await reveals(billing.key.id)).toHaveLength(before + 1);
      expect(await page.getByLabel("API key").inputValue()).toBe("");
      await page.keyboard.press("Escape");
      await detached();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "asks which half of a two-part key to insert, and inserts the half a field names without asking",
    async () => {
      await page.getByLabel("API key").fill("");
      await page.getByLabel("API key").click();
      let frame = await openPalette();
      await page.keyboard.type("Partner");
      await expect.poll(() => frame.getByRole("option", { selected: true }).textContent()).toContain("Basic auth");
      await page.keyboard.press("Enter");
      await expect.poll(() => frame.getByTestId("palette-status").textContent()).toContain("choose which part");
      expect(await page.getByLabel("API key").inputValue()).toBe("");
      expect(await frame.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.value)).toBe("public");
      // Arrows move between the halves (Username, Password), as in any radio group.
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.getByLabel("API key").inputValue()).toBe(partner.secret);
      await detached();

      await page.getByLabel("OAuth client ID").click();
      frame = await openPalette();
      await page.keyboard.type("Partner");
      await expect.poll(() => frame.getByRole("option", { selected: true }).textContent()).toContain("Partner portal");
      const revealsBefore = (await reveals(partner.key.id)).length;
      await page.keyboard.press("Enter");
      await expect.poll(() => page.getByLabel("OAuth client ID").inputValue()).toBe(partner.key.publicId);
      await detached();
      // The public half is no secret: inserting it reveals nothing.
      expect(await reveals(partner.key.id)).toHaveLength(revealsBefore);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
