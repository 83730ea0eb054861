import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/src/core/clock";
import { openOrm } from "../../server/src/db/orm";
import { EXPIRY_SWEEP_ORIGIN, sweepKeyDeadlines } from "../../server/src/expiry/expiry-sweep";
import { auditLog } from "../support/audit";
import { chromiumAvailability, type ExtensionBrowser, ensureExtensionBuilt, launchWithExtension } from "../support/chromium";
import { graphql, graphqlData, type UntypedData } from "../support/graphql-client";
import type { InExtensionWorker, InPage } from "../support/in-page";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";

const RESULTS = path.resolve(__dirname, "../../test-results");
const DAY = 24 * 60 * 60 * 1000;

// The palette, opened with real key presses, has its own file: extension-palette.test.ts.
const { run } = chromiumAvailability();

describe.runIf(run)("the browser extension in Chromium, against a real Latchkey", () => {
  let server: TestServer;
  let browser: ExtensionBrowser;
  let team: Awaited<ReturnType<typeof keyTeam>>;
  let crm: { secret: string; key: UntypedData };
  let billing: { secret: string; key: UntypedData };
  let analytics: { secret: string; key: UntypedData };
  let serverStopped = false;
  let popup: Page;

  beforeAll(async () => {
    ensureExtensionBuilt();
    await mkdir(RESULTS, { recursive: true });
    server = await startTestServer();
    team = await keyTeam(server, "Claire Dealer");
    crm = await team.createKey({ name: "CRM sync" });
    // Expires within the badge's 7 days.
    billing = await team.createKey({ name: "Billing webhook", expiresAt: new Date(Date.now() + 3 * DAY).toISOString() });
    analytics = await team.createKey({ name: "Analytics export", expiresAt: new Date(Date.now() + 90 * DAY).toISOString() });
    browser = await launchWithExtension();
  }, 120_000);

  afterAll(async () => {
    await browser?.stop();
    if (!serverStopped) await server?.stop();
  });

  const extensionPage = async (name: string) => {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/${name}.html`);
    return page;
  };

  /** The token the extension keeps, read where only the extension can: its own storage. */
  const storedToken = () =>
    browser.serviceWorker.evaluate(
      async () => (await (globalThis as unknown as InExtensionWorker).chrome.storage.local.get("credential")).credential?.secret as string,
    );
  const popupStatus = () => popup.locator('[aria-live="polite"]');

  const shownNotifications = () =>
    browser.serviceWorker.evaluate(async () =>
      Object.keys(await (globalThis as unknown as InExtensionWorker).chrome.notifications.getAll()).sort(),
    );

  const clipboardText = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText() as Promise<string>);

  it("signs in through the options page, and clears copied secrets after the delay set there", async () => {
    const options = await extensionPage("options");
    await options.getByLabel("Server URL").fill(server.url);
    await options.getByLabel("Email").fill(team.owner.email);
    await options.getByLabel("Password").fill(team.owner.password);
    await options.getByRole("button", { name: "Sign in", exact: true }).click();
    // Password hashing (argon2id) takes its time on a busy machine.
    await expect.poll(() => options.locator(".account").textContent(), { timeout: 10_000 }).toContain(`Signed in as ${team.owner.email}`);
    await options.getByLabel("Clear copied secrets after (seconds)").fill("3");
    await options.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => options.getByRole("status").textContent()).toBe("Saved.");
    await options.close();
  });

  it("shows a badge counting the keys that expire within 7 days", async () => {
    await expect
      .poll(() => browser.serviceWorker.evaluate(() => (globalThis as unknown as InExtensionWorker).chrome.action.getBadgeText({})), {
        timeout: 10_000,
      })
      .toBe("1");
  });

  it("lists the user's keys in the popup, masked, with search", async () => {
    popup = await extensionPage("popup");
    // The size of the toolbar popup, so the screenshot shows what a user sees there.
    await popup.setViewportSize({ width: 600, height: 620 });
    const rows = popup.locator("li.key");
    await expect.poll(() => rows.count()).toBe(3);
    const crmRow = popup.locator(`li[data-key-id="${crm.key.id}"]`);
    expect(await crmRow.locator(".masked").textContent()).toBe(crm.key.maskedSecret);
    expect(await crmRow.textContent()).not.toContain(crm.secret);
    expect(await crmRow.locator(".state").textContent()).toBe("Active");
    await popup.screenshot({ path: path.join(RESULTS, "popup.png") });

    await popup.getByLabel("Search keys").fill("billing");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute("data-key-name")).toBe("Billing webhook");
    await popup.getByLabel("Search keys").fill("");
    await expect.poll(() => rows.count()).toBe(3);
  });

  it("reveals a secret for a reason the server writes into the audit log", async () => {
    const crmRow = popup.locator(`li[data-key-id="${crm.key.id}"]`);
    await crmRow.getByRole("button", { name: "More actions for CRM sync" }).click();
    await crmRow.getByRole("menuitem", { name: "Reveal" }).click();
    await crmRow.getByLabel("Why do you need the secret of CRM sync?").fill("Configuring the CRM webhook");
    await crmRow.locator("form.reason-prompt").getByRole("button", { name: "Reveal (CRM sync)" }).click();
    await expect.poll(() => crmRow.locator(".secret-value").textContent()).toBe(crm.secret);
    await popup.screenshot({ path: path.join(RESULTS, "popup-revealed.png"), fullPage: true });

    const log = await auditLog(server, team.owner.token, team.organization.id, { actions: ["KEY_REVEALED"], targetId: crm.key.id });
    expect(log.nodes).toHaveLength(1);
    expect(log.nodes[0]).toMatchObject({ reason: "Configuring the CRM webhook", actor: { email: team.owner.email } });
  });

  it("copies the secret, then clears it from the clipboard once the delay is over", async () => {
    // The extension holds `clipboardRead`, so its own page may read the clipboard once focused.
    await popup.bringToFront();
    const crmRow = popup.locator(`li[data-key-id="${crm.key.id}"]`);
    // The revealed secret's own copy button: the reason given for the reveal covers it.
    await crmRow.getByRole("button", { name: "Copy the secret of CRM sync" }).click();
    await expect.poll(() => crmRow.getByRole("status").textContent()).toContain("cleared from the clipboard in 3 s");
    expect(await clipboardText(popup)).toBe(crm.secret);
    await expect.poll(() => clipboardText(popup), { timeout: 8_000 }).toBe("");
    // "Copy ID" (an opaque GraphQL ID) is gone; copying a key's public half, which stays on the
    // clipboard, is checked in extension-popup.test.ts.
  });

  it("shows a browser notification for each expiry warning the server sends", async () => {
    // The scheduler is off in tests; run its sweep now, as server/src/expiry/expiry.test.ts does.
    const orm = await openOrm(server.databaseUrl, { logger: () => undefined });
    try {
      await sweepKeyDeadlines({ em: orm.em.fork(), origin: EXPIRY_SWEEP_ORIGIN, clock: systemClock });
    } finally {
      await orm.close(true);
    }
    // Only "Billing webhook" (3 days left) has crossed a warning threshold (15, 7 and 1 days).
    await expect.poll(shownNotifications, { timeout: 10_000 }).toHaveLength(1);
    expect((await shownNotifications())[0]).toMatch(new RegExp(`^latchkey-expiring-${billing.key.id}-`));
  });

  it("catches up on warnings from the hourly refresh, without showing again those already shown", async () => {
    const [shown] = await shownNotifications();
    const prefix = `latchkey-expiring-${billing.key.id}-`;
    const cursor = shown?.slice(prefix.length);
    // The user dismisses the warning; the catch-up reads past it and must not bring it back.
    await browser.serviceWorker.evaluate((id) => (globalThis as unknown as InExtensionWorker).chrome.notifications.clear(id), shown);
    // Fire the hourly alarm now (an unpacked extension's alarms have no minimum delay).
    await browser.serviceWorker.evaluate(() =>
      (globalThis as unknown as InExtensionWorker).chrome.alarms.create("latchkey-badge-refresh", {
        when: Date.now(),
        periodInMinutes: 60,
      }),
    );
    const storedCursor = () =>
      browser.serviceWorker.evaluate(
        async (organizationId) =>
          (await (globalThis as unknown as InExtensionWorker).chrome.storage.local.get("keyWarningCursors")).keyWarningCursors?.[
            organizationId
          ] as string,
        team.organization.id as string,
      );
    await expect.poll(storedCursor, { timeout: 10_000 }).toBe(cursor);
    expect(await shownNotifications()).toEqual([]);
  });

  it("creates an organisation key from the popup, after accepting the organisation's new API agreement", async () => {
    await team.updateSettings({ agreementVersion: 2 });
    await popup.bringToFront();
    await popup.reload();
    await popup.getByRole("button", { name: "New key" }).click();
    await popup.getByRole("button", { name: "Accept the agreement (version 2)" }).click();
    const form = popup.getByRole("region", { name: "Create a key" });
    await form.getByLabel("Name", { exact: true }).fill("Partner portal");
    await form.getByLabel("Contact name").fill("Dana Partner");
    await form.getByLabel("Contact email").fill("dana@partner.example");
    await form.getByLabel("Contact phone").fill("+44 20 7946 0001");
    await form.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => popup.locator(".result").getByRole("status").textContent()).toBe("Created “Partner portal”.");
    const secret = await popup
      .getByRole("region", { name: /^Created “Partner portal”/ })
      .locator(".secret-value")
      .textContent();
    const verified = await fetch(`${server.url}/v1/keys/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: secret }),
    }).then((response) => response.json());
    expect(verified).toMatchObject({ valid: true, name: "Partner portal", organizationId: team.organization.id });
    await expect.poll(() => popup.locator('li[data-key-name="Partner portal"]').count()).toBe(1);
  });

  it("rotates a key from the popup and shows the new secret once", async () => {
    // Confirmed inside the popup, never with the browser's confirm().
    const row = popup.locator(`li[data-key-id="${crm.key.id}"]`);
    await row.getByRole("button", { name: "More actions for CRM sync" }).click();
    await row.getByRole("menuitem", { name: "Rotate…" }).click();
    await row.getByRole("button", { name: "Rotate CRM sync" }).click();
    await expect
      .poll(() => row.getByRole("status").textContent())
      .toBe("Rotated. Store the new secret now; the old one has stopped working.");
    const rotated = await row.locator(".secret-value").textContent();
    if (rotated === null) throw new Error("The rotated key's secret is not shown");
    expect(rotated).toMatch(/^lk_sk_/);
    expect(rotated).not.toBe(crm.secret);
    crm = { ...crm, secret: rotated };
  });

  it("explains a reveal refused by the organisation's policy, and a key revoked meanwhile", async () => {
    // Background tabs get few animation frames, which slows every click's stability check.
    await popup.bringToFront();
    await popup.reload();
    const row = popup.locator(`li[data-key-id="${analytics.key.id}"]`);
    await row.waitFor();
    const reveal = async () => {
      await row.getByRole("button", { name: "More actions for Analytics export" }).click();
      await row.getByRole("menuitem", { name: "Reveal" }).click();
      await row.getByLabel("Why do you need the secret of Analytics export?").fill("Checking the export");
      await row.locator("form.reason-prompt").getByRole("button", { name: "Reveal (Analytics export)" }).click();
    };
    await team.updateSettings({ revealPolicy: "SHOW_ONCE" });
    await reveal();
    await expect.poll(() => row.getByRole("status").getAttribute("data-code")).toBe("REVEAL_NOT_ALLOWED");
    expect(await row.getByRole("status").textContent()).toContain("cannot be shown again");

    await team.updateSettings({ revealPolicy: "REVEALABLE" });
    await graphqlData(
      server,
      `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { userErrors { code } } }`,
      { input: { id: analytics.key.id, reason: "Export retired" } },
      team.owner.token,
    );
    await reveal();
    await expect.poll(() => row.getByRole("status").getAttribute("data-code")).toBe("KEY_REVOKED");
    expect(await row.getByRole("status").textContent()).toContain("revoked");

    await popup.reload();
    await popup.getByLabel("State").selectOption("REVOKED");
    await expect
      .poll(() => popup.locator("li.key").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-key-name"))))
      .toEqual(["Analytics export"]);
    expect(await popup.locator("li.key .state").textContent()).toBe("Revoked");
  });

  it("says the session has expired when the server no longer accepts it", async () => {
    // The session ends elsewhere (here: revoked with the token itself), while the extension still holds it.
    await graphqlData(server, `mutation { signOut { signedOut } }`, {}, await storedToken());
    await popup.reload();
    await expect.poll(() => popupStatus().getAttribute("data-code")).toBe("SESSION_EXPIRED");
    expect(await popupStatus().textContent()).toContain("Sign in again");
  });

  it("signs out through the options page, revoking the session on the server", async () => {
    const options = await extensionPage("options");
    await options.getByLabel("Password").fill(team.owner.password);
    await options.getByLabel("Email").fill(team.owner.email);
    await options.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => options.getByRole("status").textContent(), { timeout: 10_000 }).toBe("Signed in.");
    const token = await storedToken();
    expect((await graphql(server, `{ viewer { email } }`, {}, token)).status).toBe(200);

    await options.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => options.getByRole("status").textContent()).toContain("revoked on the server");
    expect((await graphql(server, `{ viewer { email } }`, {}, token)).status).toBe(401);
    expect(await storedToken()).toBeUndefined();
    await popup.reload();
    await expect.poll(() => popupStatus().getAttribute("data-code")).toBe("NOT_SIGNED_IN");
  });

  it("says the server cannot be reached when it is down", async () => {
    const options = await extensionPage("options");
    await options.getByLabel("Email").fill(team.owner.email);
    await options.getByLabel("Password").fill(team.owner.password);
    await options.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => options.getByRole("status").textContent(), { timeout: 10_000 }).toBe("Signed in.");
    await server.stop();
    serverStopped = true;
    await popup.reload();
    await expect.poll(() => popupStatus().getAttribute("data-code")).toBe("SERVER_UNREACHABLE");
    expect(await popupStatus().textContent()).toContain("cannot be reached");
  });
});
