import { mkdir } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import { axeViolations, describeViolations } from "../support/axe";
import { chromiumAvailability, type ExtensionBrowser, ensureExtensionBuilt, launchWithExtension } from "../support/chromium";
import { graphql, graphqlData, type UntypedData } from "../support/graphql-client";
import type { InExtensionWorker, InPage } from "../support/in-page";
import { acceptAgreement, keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";

const RESULTS = path.resolve(__dirname, "../../test-results");
const DAY = 24 * 60 * 60 * 1000;
/** Short enough that the tests need not wait long; the defaults are 15 s and 30 s. */
const REQUEST_TIMEOUT_SECONDS = 4;
const REVEAL_HIDE_SECONDS = 2;

const { run } = chromiumAvailability();

/** `expect.poll` with room for a busy machine: what the popup shows after a round trip to the server. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout?: number } = {}) => expect.poll(read, { timeout: 8_000, ...options });

/** A server that accepts connections and never answers, as a stopped (SIGSTOP) Latchkey does. */
async function startHangingServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function verify(server: TestServer, secret: string) {
  const response = await fetch(`${server.url}/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key: secret }),
  });
  return (await response.json()) as { valid: boolean; name?: string };
}

describe.runIf(run)("the popup in Chromium: compact, keyboard-first, honest, offering only what the server allows", () => {
  let server: TestServer;
  let hanging: Awaited<ReturnType<typeof startHangingServer>>;
  let browser: ExtensionBrowser;
  let team: Awaited<ReturnType<typeof keyTeam>>;
  let developer: Awaited<ReturnType<Awaited<ReturnType<typeof keyTeam>>["addMember"]>>;
  let crm: { secret: string; key: UntypedData };
  let billing: { secret: string; key: UntypedData };
  let robot: { secret: string; key: UntypedData };
  let popup: Page;

  beforeAll(async () => {
    ensureExtensionBuilt();
    await mkdir(RESULTS, { recursive: true });
    [server, hanging] = await Promise.all([startTestServer(), startHangingServer()]);
    team = await keyTeam(server, "Popup Motors");
    developer = await team.addMember("Dee Developer", "Developer");
    await acceptAgreement(server, developer.token, team.organization.id);
    crm = await team.createKey({ name: "CRM sync" });
    billing = await team.createKey({ name: "Billing webhook", expiresAt: new Date(Date.now() + 3 * DAY).toISOString() });
    // Read-only: it may list every key (a key never counts as their owner, so without `keys:read:all` it would
    // list none), but reveal, rotate and revoke nothing.
    robot = await team.createKey({ name: "Read-only robot", scopes: ["ORG_READ", "KEYS_READ_ALL"] });
    browser = await launchWithExtension();
    // A missing element fails in seconds, not at the test's timeout.
    browser.context.setDefaultTimeout(8_000);
    await browser.serviceWorker.evaluate(
      ([timeout, hide]) =>
        (globalThis as unknown as InExtensionWorker).chrome.storage.local.set({
          popupRequestTimeoutSeconds: timeout,
          popupRevealHideSeconds: hide,
        }),
      [REQUEST_TIMEOUT_SECONDS, REVEAL_HIDE_SECONDS],
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.stop();
    await Promise.all([server?.stop(), hanging?.stop()]);
  });

  const extensionPage = async (name: string) => {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/${name}.html`);
    return page;
  };
  const storedToken = () =>
    browser.serviceWorker.evaluate(
      async () =>
        (await (globalThis as unknown as InExtensionWorker).chrome.storage.local.get("credential")).credential?.secret as
          | string
          | undefined,
    );
  const setServerUrl = (url: string) =>
    browser.serviceWorker.evaluate(
      (serverUrl) => (globalThis as unknown as InExtensionWorker).chrome.storage.local.set({ serverUrl }),
      url,
    );
  const popupStatus = () => popup.locator('[aria-live="polite"]');
  const row = (name: string) => popup.locator(`li.key[data-key-name="${name}"]`);
  const rowNames = () => popup.locator("li.key").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-key-name")));
  const clipboardText = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText() as Promise<string>);
  /** The row's overflow menu, opened; its items' texts. */
  const menuItems = async (keyRow: Locator, name: string) => {
    await keyRow.getByRole("button", { name: `More actions for ${name}` }).click();
    const items = keyRow.getByRole("menuitem");
    await items.first().waitFor();
    return items.allTextContents();
  };
  const closeMenu = () => popup.keyboard.press("Escape");

  const signIn = async (email: string, password: string) => {
    const options = await extensionPage("options");
    await options.getByLabel("Server URL").fill(server.url);
    await options.getByLabel("Email").fill(email);
    await options.getByLabel("Password").fill(password);
    await options.getByRole("button", { name: "Sign in", exact: true }).click();
    await poll(() => options.getByRole("status").textContent(), { timeout: 10_000 }).toBe("Signed in.");
    await options.close();
  };
  const signInWithKey = async (secret: string) => {
    const options = await extensionPage("options");
    await options.getByLabel("Server URL").fill(server.url);
    await options.getByLabel("API key").fill(secret);
    await options.getByRole("button", { name: "Sign in with key" }).click();
    await poll(() => options.getByRole("status").textContent(), { timeout: 10_000 }).toBe("Signed in.");
    await options.close();
  };
  const openPopup = async () => {
    popup = await extensionPage("popup");
    await popup.setViewportSize({ width: 600, height: 600 });
    return popup;
  };

  it("says the server is not answering, with a spinner first and then Retry, instead of a blank popup (broken item 2)", async () => {
    await signIn(team.owner.email, team.owner.password);
    await setServerUrl(hanging.url);
    await openPopup();
    // While it waits: a spinner and words, not just the header.
    await poll(() => popupStatus().getAttribute("class")).toContain("loading");
    expect(await popupStatus().textContent()).toBe("Loading…");
    await poll(() => popupStatus().getAttribute("data-code"), { timeout: (REQUEST_TIMEOUT_SECONDS + 5) * 1000 }).toBe("TIMED_OUT");
    expect(await popupStatus().textContent()).toContain(`did not answer within ${REQUEST_TIMEOUT_SECONDS} s`);

    // The server answers again: Retry brings the keys, and the failure goes.
    await setServerUrl(server.url);
    await popup.getByRole("button", { name: "Retry" }).click();
    await poll(() => popup.locator("li.key").count()).toBe(3);
    expect(await popupStatus().getAttribute("data-code")).toBeNull();
    expect(await popup.getByRole("button", { name: "Retry" }).count()).toBe(0);
  });

  it("opens with the search focused and shows one compact, readable line per key", async () => {
    await popup.reload();
    await poll(() => popup.locator("li.key").count()).toBe(3);
    expect(await popup.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.getAttribute("aria-label"))).toBe(
      "Search keys",
    );
    const billingRow = row("Billing webhook");
    expect(await billingRow.locator(".masked").textContent()).toBe(billing.key.maskedSecret);
    expect(await billingRow.locator(".state").textContent()).toBe("Active");
    expect(await billingRow.locator(".kind").textContent()).toBe("Secret");
    expect(await billingRow.locator(".where").textContent()).toBe("Whole organization");
    expect(await billingRow.locator(".expiry").textContent()).toBe("expires in 3 days");
    expect(await billingRow.textContent()).not.toMatch(/ACTIVE|KEY_PAIR|SECRET|organisation/);
    // One line: at most 48 px, so a 600 px popup shows about ten keys.
    const box = await billingRow.boundingBox();
    expect(box?.height).toBeLessThanOrEqual(48);
    // Every button names its key for a screen reader.
    expect(await billingRow.getByRole("button", { name: "Copy secret of Billing webhook" }).count()).toBe(1);
    expect(await billingRow.getByRole("button", { name: "More actions for Billing webhook" }).count()).toBe(1);
    expect(await popupStatus().textContent()).not.toBe("No keys match.");
    await popup.screenshot({ path: path.join(RESULTS, "popup-compact.png") });
  });

  it("sorts by expiry, recent use or name, and filters to the keys the badge counts", async () => {
    await popup.getByLabel("Sort").selectOption("name");
    await poll(rowNames).toEqual(["Billing webhook", "CRM sync", "Read-only robot"]);
    await popup.getByLabel("Sort").selectOption("expiring");
    expect((await rowNames())[0]).toBe("Billing webhook");
    const badge = await browser.serviceWorker.evaluate(() => (globalThis as unknown as InExtensionWorker).chrome.action.getBadgeText({}));
    const toggle = popup.getByRole("button", { name: /Expiring within 7 days/ });
    expect(await toggle.textContent()).toBe(`Expiring within 7 days (${badge})`);
    await toggle.click();
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await poll(rowNames).toEqual(["Billing webhook"]);
    await toggle.click();
    await poll(() => popup.locator("li.key").count()).toBe(3);
    // "No keys match." only with a filter set.
    await popup.getByLabel("Search keys").fill("nothing like this");
    await poll(() => popup.locator(".list-status").textContent()).toContain("No keys match.");
    await popup.getByRole("button", { name: "Clear filters" }).click();
    await poll(() => popup.locator("li.key").count()).toBe(3);
  });

  it("works from the keyboard: arrows move between keys, Enter runs the main action, Escape cancels the reason", async () => {
    await popup.bringToFront();
    await popup.getByLabel("Sort").selectOption("name");
    await popup.getByLabel("Search keys").focus();
    await popup.keyboard.press("ArrowDown");
    const focusedKey = () => popup.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.dataset?.keyName ?? null);
    expect(await focusedKey()).toBe("Billing webhook");
    await popup.keyboard.press("ArrowDown");
    expect(await focusedKey()).toBe("CRM sync");
    await popup.keyboard.press("Enter");
    const reason = row("CRM sync").getByLabel("Why do you need the secret of CRM sync?");
    await poll(() => reason.evaluate((input) => input === (globalThis as unknown as InPage).document.activeElement)).toBe(true);
    await popup.keyboard.press("Escape");
    expect(await reason.count()).toBe(0);
    // Focus comes back to the key, not to the page.
    expect(await popup.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.getAttribute("aria-label"))).toBe(
      "Copy secret of CRM sync",
    );
    await popup.keyboard.press("Enter");
    await reason.fill("Configuring the CRM webhook");
    await popup.keyboard.press("Enter");
    await poll(() => row("CRM sync").getByRole("status").textContent()).toContain("Copied the secret");
    expect(await clipboardText(popup)).toBe(crm.secret);
  });

  it("lets one reason cover reveal and copy, and hides a revealed secret by itself and with Hide", async () => {
    const crmRow = row("CRM sync");
    // The reason given for the copy above still covers this key: no second prompt.
    expect(await menuItems(crmRow, "CRM sync")).toContain("Reveal");
    await crmRow.getByRole("menuitem", { name: "Reveal" }).click();
    await poll(() => crmRow.locator(".secret-value").textContent()).toBe(crm.secret);
    expect(await crmRow.getByLabel(/Why do you need/).count()).toBe(0);
    // Copying what is on screen needs no reason either, and there is one copy button per part.
    await crmRow.getByRole("button", { name: "Copy the secret of CRM sync" }).click();
    await poll(() => crmRow.getByRole("status").textContent()).toContain("Copied the secret");
    const log = await auditLog(server, team.owner.token, team.organization.id, { actions: ["KEY_REVEALED"], targetId: crm.key.id });
    expect(log.nodes.map((entry) => entry.reason)).toEqual(["Configuring the CRM webhook", "Configuring the CRM webhook"]);
    // It hides itself after the configured time.
    await poll(() => crmRow.locator(".secret-value").count(), { timeout: (REVEAL_HIDE_SECONDS + 5) * 1000 }).toBe(0);
    expect(await crmRow.getByRole("status").textContent()).toBe("Hidden.");
    // And at once with Hide.
    await crmRow.getByRole("button", { name: "More actions for CRM sync" }).click();
    await crmRow.getByRole("menuitem", { name: "Reveal" }).click();
    await crmRow.locator(".secret-value").waitFor();
    await crmRow.getByRole("button", { name: /^Hide/ }).click();
    expect(await crmRow.locator(".secret-value").count()).toBe(0);
  });

  it("never leaves a stale status line: a new action clears the last outcome (broken item 8)", async () => {
    const crmRow = row("CRM sync");
    await crmRow.getByRole("button", { name: "Copy secret of CRM sync" }).click();
    await poll(() => crmRow.getByRole("status").textContent()).toContain("Copied the secret");
    await crmRow.getByRole("button", { name: "More actions for CRM sync" }).click();
    await crmRow.getByRole("menuitem", { name: "Rotate…" }).click();
    expect(await crmRow.getByRole("status").textContent()).toBe("");
    await crmRow.getByRole("button", { name: "Cancel" }).click();
  });

  it("rotates inside the popup with a grace period, and the row shows the new last four at once (broken item 5)", async () => {
    const crmRow = row("CRM sync");
    let dialogs = 0;
    popup.on("dialog", () => dialogs++);
    await crmRow.getByRole("button", { name: "More actions for CRM sync" }).click();
    await crmRow.getByRole("menuitem", { name: "Rotate…" }).click();
    // The grace period has focus, never the confirm button.
    const grace = crmRow.getByLabel("The current secret of CRM sync");
    expect(await grace.evaluate((select) => select === (globalThis as unknown as InPage).document.activeElement)).toBe(true);
    await grace.selectOption("1");
    await crmRow.getByRole("button", { name: "Rotate CRM sync" }).click();
    await poll(() => crmRow.getByRole("status").textContent()).toContain("Rotated");
    const rotated = (await crmRow.locator(".secret-value").textContent()) ?? "";
    expect(rotated).toMatch(/^lk_sk_/);
    expect(rotated).not.toBe(crm.secret);
    expect(await crmRow.locator(".masked").textContent()).toBe(`${rotated.slice(0, 6)}…${rotated.slice(-4)}`);
    expect(dialogs).toBe(0);
    // Both work during the hour of grace.
    expect(await verify(server, rotated)).toMatchObject({ valid: true });
    expect(await verify(server, crm.secret)).toMatchObject({ valid: true });
    crm = { ...crm, secret: rotated };
    await crmRow.getByRole("button", { name: "Done" }).click();
  });

  it("shows the API agreement's text before accepting it", async () => {
    const terms = "Keys are for Popup Motors' integrations only. Never share a secret by email.";
    await team.updateSettings({ agreementText: terms, agreementVersion: 2 });
    await popup.reload();
    await popup.getByRole("button", { name: "New key" }).click();
    const agreement = popup.getByRole("region", { name: "API agreement of Popup Motors" });
    expect(await agreement.textContent()).toBe(terms);
    await popup.getByRole("button", { name: "Accept the agreement (version 2)" }).click();
    await popup.getByRole("region", { name: "Create a key" }).getByLabel("Name", { exact: true }).waitFor();
    const { organization } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { viewerApiAgreement { accepted acceptedVersion } } }`,
      { id: team.organization.id },
      team.owner.token,
    );
    expect(organization.viewerApiAgreement).toEqual({ accepted: true, acceptedVersion: 2 });
    await popup.getByRole("region", { name: "Create a key" }).getByRole("button", { name: "Cancel" }).click();
  });

  it("creates a key pair: errors next to their fields, every part shown once with copy buttons, form reset and closed (broken item 7)", async () => {
    await popup.getByRole("button", { name: "New key" }).click();
    const form = popup.getByRole("region", { name: "Create a key" });
    await form.getByLabel("Name", { exact: true }).fill("Partner portal");
    await form.getByLabel("Kind").selectOption("KEY_PAIR");
    await form.getByLabel("See everyone's keys").check();
    await form.getByLabel("Contact name").fill("Dana Partner");
    await form.getByLabel("Contact email").fill("not an email");
    await form.getByLabel("Contact phone").fill("+44 20 7946 0001");
    // Ticking "Personal" does not move the Create button.
    const createButton = form.getByRole("button", { name: "Create key" });
    const before = await createButton.boundingBox();
    await form.getByLabel(/Personal key/).check();
    expect(await createButton.boundingBox()).toEqual(before);
    await form.getByLabel(/Personal key/).uncheck();

    await createButton.click();
    await poll(() => form.locator("#error-contact-email").textContent()).toBe("Contact email must be a valid email address.");
    expect(await form.getByLabel("Contact email").getAttribute("aria-invalid")).toBe("true");
    expect(await form.textContent()).not.toContain("contact.email:");

    await form.getByLabel("Contact email").fill("dana@partner.example");
    await createButton.click();
    const created = popup.getByRole("region", { name: "Created “Partner portal”: Partner portal" });
    await created.waitFor();
    expect(await popup.getByRole("region", { name: "Create a key" }).count()).toBe(0);
    const accessKeyId = (await created.locator(".public-value").textContent()) ?? "";
    const secret = (await created.locator(".secret-value").textContent()) ?? "";
    expect(accessKeyId).toMatch(/^lkak_/);
    expect(secret).toMatch(/^lk_kp_/);
    // The public half is not secret: copied as is, and left on the clipboard.
    await created.getByRole("button", { name: "Copy the access key ID of Partner portal" }).click();
    await poll(() => popup.locator(".result").getByRole("status").textContent()).toBe("Copied the access key ID.");
    expect(await clipboardText(popup)).toBe(accessKeyId);
    await created.getByRole("button", { name: "Copy the secret key of Partner portal" }).click();
    await poll(() => clipboardText(popup)).toBe(secret);

    // The server has exactly one such key, with the chosen permission; the new key is listed first.
    const { organization } = await graphqlData(
      server,
      `query($id: ID!) { organization(id: $id) { keys(search: "Partner portal") { nodes { publicId scopes } } } }`,
      { id: team.organization.id },
      team.owner.token,
    );
    expect(organization.keys.nodes).toEqual([{ publicId: accessKeyId, scopes: ["ORG_READ", "KEYS_READ_ALL"] }]);
    await poll(async () => (await rowNames())[0]).toBe("Partner portal");
    await created.getByRole("button", { name: /Done/ }).click();

    // Opened again, the form is empty.
    await popup.getByRole("button", { name: "New key" }).click();
    expect(await popup.getByRole("region", { name: "Create a key" }).getByLabel("Name", { exact: true }).inputValue()).toBe("");
    await popup.getByRole("region", { name: "Create a key" }).getByRole("button", { name: "Cancel" }).click();
  });

  it("shows an OAuth client's ID and secret once, saying the secret cannot be shown again", async () => {
    await popup.getByRole("button", { name: "New key" }).click();
    const form = popup.getByRole("region", { name: "Create a key" });
    await form.getByLabel("Name", { exact: true }).fill("Partner OAuth");
    await form.getByLabel("Kind").selectOption("OAUTH_CLIENT");
    await form.getByLabel(/Personal key/).check();
    await form.getByRole("button", { name: "Create key" }).click();
    const created = popup.getByRole("region", { name: /^Created “Partner OAuth”/ });
    await created.waitFor();
    expect(await created.locator(".public-value").textContent()).toMatch(/^lkci_/);
    expect(await created.locator(".secret-value").textContent()).toMatch(/^lk_cs_/);
    expect(await created.textContent()).toContain("cannot be shown again");
    expect(await created.getByRole("button", { name: /^Copy the client (ID|secret) of Partner OAuth$/ }).count()).toBe(2);
    await created.getByRole("button", { name: /Done/ }).click();
  });

  it("revokes only after a reason, inside the popup, with a destructive button; the row updates", async () => {
    const billingRow = row("Billing webhook");
    await billingRow.getByRole("button", { name: "More actions for Billing webhook" }).click();
    await billingRow.getByRole("menuitem", { name: "Revoke…" }).click();
    const revoke = billingRow.getByRole("button", { name: "Revoke Billing webhook" });
    expect(await revoke.getAttribute("class")).toContain("destructive");
    await billingRow.getByLabel("Why revoke Billing webhook?").fill("Billing moved to the new provider");
    await revoke.click();
    await poll(() => row("Billing webhook").locator(".state").textContent()).toBe("Revoked");
    const items = await menuItems(row("Billing webhook"), "Billing webhook");
    expect(items).not.toContain("Rotate…");
    expect(items).not.toContain("Revoke…");
    await closeMenu();
    expect(await verify(server, billing.secret)).toMatchObject({ valid: false });
  });

  it("passes axe-core (WCAG 2.2 AA) in light and dark, with a menu and the create form open", async () => {
    await popup.getByRole("button", { name: "New key" }).click();
    await row("CRM sync").getByRole("button", { name: "More actions for CRM sync" }).click();
    for (const scheme of ["light", "dark"] as const) {
      const violations = await axeViolations(popup, scheme);
      expect(describeViolations(violations), scheme).toEqual([]);
      await popup.screenshot({ path: path.join(RESULTS, `popup-${scheme}.png`) });
    }
    await popup.emulateMedia({ colorScheme: "light" });
    await popup.reload();
  });

  it("signing in again ends the previous session on the server (broken item 6)", async () => {
    const first = await storedToken();
    expect((await graphql(server, `{ viewer { email } }`, {}, first)).status).toBe(200);
    await signIn(team.owner.email, team.owner.password);
    const second = await storedToken();
    expect(second).not.toBe(first);
    expect((await graphql(server, `{ viewer { email } }`, {}, first)).status).toBe(401);
    // And an API key sign-in ends the password session too.
    await signInWithKey(robot.secret);
    expect((await graphql(server, `{ viewer { email } }`, {}, second)).status).toBe(401);
  });

  it("with a read-only key (ORG_READ, KEYS_READ_ALL), offers no Reveal, Rotate or Revoke (broken item 3)", async () => {
    await openPopup();
    await poll(() => popup.locator("li.key").count()).toBeGreaterThan(0);
    for (const name of await rowNames()) {
      const keyRow = row(name ?? "");
      expect(await keyRow.getByRole("button", { name: /^Copy secret/ }).count(), name ?? "").toBe(0);
      const items = await menuItems(keyRow, name ?? "");
      expect(
        items.filter((item) => /^(Reveal|Rotate|Revoke)/.test(item)),
        name ?? "",
      ).toEqual([]);
      await closeMenu();
    }
    // It may not create keys either, and says why.
    expect(await popup.getByRole("button", { name: "New key" }).count()).toBe(0);
    expect(await popup.locator(".why-not").textContent()).toContain("keys:create");
    await popup.close();
  });

  it("tells a Developer where only admins may create keys why, instead of offering New key (broken item 4)", async () => {
    await team.updateSettings({ apiAccessForNonAdmins: false });
    await signIn(developer.email, developer.password);
    await openPopup();
    await poll(() => popup.locator(".why-not").count()).toBe(1);
    expect(await popup.getByRole("button", { name: "New key" }).count()).toBe(0);
    expect(await popup.locator(".why-not").textContent()).toBe(
      "You cannot create keys here. In this organization only admins can create API keys.",
    );
    // When the organization allows it, the same Developer gets the button.
    await team.updateSettings({ apiAccessForNonAdmins: true });
    await popup.reload();
    await popup.getByRole("button", { name: "New key" }).waitFor();
  });

  it("says the server cannot be reached, with Retry", async () => {
    const closed = await startHangingServer();
    await closed.stop();
    await setServerUrl(closed.url);
    await popup.reload();
    await poll(() => popupStatus().getAttribute("data-code")).toBe("SERVER_UNREACHABLE");
    expect(await popup.getByRole("button", { name: "Retry" }).count()).toBe(1);
    await setServerUrl(server.url);
    await popup.getByRole("button", { name: "Retry" }).click();
    await poll(() => popupStatus().getAttribute("data-code")).toBeNull();
  });

  it("options: a refused value never leaves “Saved.”, and the page passes axe-core in light and dark (broken item 8)", async () => {
    const options = await extensionPage("options");
    const delay = options.getByLabel("Clear copied secrets after (seconds)");
    await delay.fill("5");
    await options.getByRole("button", { name: "Save" }).click();
    await poll(() => options.getByRole("status").textContent()).toBe("Saved.");
    await delay.fill("5000");
    expect(await options.getByRole("status").textContent()).toBe("");
    await options.getByRole("button", { name: "Save" }).click();
    await poll(() => options.getByRole("status").textContent()).toContain("Not saved");
    for (const scheme of ["light", "dark"] as const) {
      expect(describeViolations(await axeViolations(options, scheme)), scheme).toEqual([]);
    }
    await options.close();
  });

  it("signed out, says so with a Sign in button", async () => {
    const options = await extensionPage("options");
    await options.getByRole("button", { name: "Sign out" }).click();
    await poll(() => options.getByRole("status").textContent()).toContain("Signed out");
    await options.close();
    await popup.reload();
    await poll(() => popupStatus().getAttribute("data-code")).toBe("NOT_SIGNED_IN");
    expect(await popupStatus().getAttribute("class")).not.toContain("loading");
    expect(await popup.getByRole("button", { name: "Sign in" }).count()).toBe(1);
  });
});
