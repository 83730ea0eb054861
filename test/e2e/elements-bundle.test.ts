import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailability } from "../support/chromium";
import { type ElementsHost, giveCredential, launchChromium, startElementsHost } from "../support/elements-host";
import { setOrganizationExternalId } from "../support/federation";
import type { InPage } from "../support/in-page";
import { keyTeam } from "../support/keys";
import { startTestServer, type TestServer } from "../support/server";

const { run } = chromiumAvailability();

describe("the elements bundle, served by the server", () => {
  let latchkey: TestServer;
  beforeAll(async () => {
    latchkey = await startTestServer();
  });
  afterAll(async () => {
    await latchkey?.stop();
  });

  it("is one ES module at the versioned path, loadable from any origin and revalidated hourly", async () => {
    const response = await fetch(`${latchkey.url}/elements/v1/latchkey-elements.js`, { headers: { origin: "https://host.example" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    const source = await response.text();
    expect(source).toMatch(/customElements\.define|\bdefine\(/);
    expect(source).toContain("latchkey-keys");
  });

  it("names a content-addressed copy cached for a year, whose bytes match the integrity hash the manifest gives", async () => {
    const manifest = (await (await fetch(`${latchkey.url}/elements/v1/manifest.json`)).json()) as { pinnedPath: string; integrity: string };
    expect(manifest.integrity).toMatch(/^sha384-[A-Za-z0-9+/]+=*$/);
    const pinned = await fetch(`${latchkey.url}${manifest.pinnedPath}`);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const body = Buffer.from(await pinned.arrayBuffer());
    expect(`sha384-${createHash("sha384").update(body).digest("base64")}`).toBe(manifest.integrity);
    const stale = await fetch(`${latchkey.url}/elements/v1/AAAAAAAAAAAAAAAA/latchkey-elements.js`);
    expect(stale.status).toBe(404);
  });

  it("answers a second request with the same ETag by 304, without the body", async () => {
    const first = await fetch(`${latchkey.url}/elements/v1/latchkey-elements.js`);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    const second = await fetch(`${latchkey.url}/elements/v1/latchkey-elements.js`, { headers: { "if-none-match": etag } });
    expect(second.status).toBe(304);
  });
});

describe.runIf(run)("an element embedded in a host page on another origin, in Chromium", () => {
  let host: ElementsHost;
  let latchkey: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    host = await startElementsHost();
    latchkey = await startTestServer({ CORS_ORIGINS: host.origin });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await latchkey?.stop();
    await host?.stop();
  });

  it("loads with the integrity hash and lists the organisation's keys, found by the host's own tenant ID", async () => {
    const team = await keyTeam(latchkey, "Integrity Motors");
    await setOrganizationExternalId(latchkey, team.organization.id, "tenant-integrity");
    await team.createKey({ name: "Dealer portal sync" });
    const manifest = (await (await fetch(`${latchkey.url}/elements/v1/manifest.json`)).json()) as { pinnedPath: string; integrity: string };
    const url = host.page("/keys", latchkey.url, `<latchkey-keys organization-external-id="tenant-integrity"></latchkey-keys>`, {
      bundlePath: manifest.pinnedPath,
      integrity: manifest.integrity,
    });
    const page = await browser.newPage();
    await page.goto(url);
    await giveCredential(page, "latchkey-keys", team.owner.token);
    await expect.poll(() => page.getByRole("rowheader", { name: "Dealer portal sync" }).count(), { timeout: 10_000 }).toBe(1);
    await page.close();
  });

  it("refuses to run a bundle whose bytes do not match the integrity the page pinned", async () => {
    const url = host.page("/tampered", latchkey.url, `<latchkey-keys organization="x"></latchkey-keys>`, {
      integrity: `sha384-${createHash("sha384").update("something else").digest("base64")}`,
    });
    const page = await browser.newPage();
    const refused = page.waitForEvent("console", (message) => /integrity/i.test(message.text()));
    await page.goto(url);
    await refused;
    expect(await page.evaluate(() => (globalThis as unknown as InPage).customElements.get("latchkey-keys") === undefined)).toBe(true);
    await page.close();
  });
  it("takes the host's theme: its custom properties and ::part() rules reach inside the element", async () => {
    const team = await keyTeam(latchkey, "Acme Dealer Group");
    await setOrganizationExternalId(latchkey, team.organization.id, "acme-dealers");
    await team.createKey({ name: "Dealer portal sync" });
    await team.createKey({ name: "Inventory feed", kind: "BASIC" });
    await team.createKey({ name: "Marketing CRM", kind: "OAUTH_CLIENT", expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString() });
    const url = host.page(
      "/themed",
      latchkey.url,
      `<style>
        body { margin: 0; font-family: Georgia, serif; background: #f4f1ea; color: #1b1b1b; }
        @media (prefers-color-scheme: dark) { body { background: #101418; color: #e8e6e1; } }
        main { padding: 0 24px 24px; }
        latchkey-keys { --latchkey-color-accent: #1d3557; --latchkey-radius: 2px; padding: 16px; border: 1px solid #8c959f; }
        @media (prefers-color-scheme: dark) { latchkey-keys { --latchkey-color-accent: #a8c5ff; --latchkey-color-on-accent: #101418; } }
        latchkey-keys::part(create-button) { text-transform: uppercase; letter-spacing: 0.04em; }
      </style>
      <p>Acme Dealer Portal · Integrations: the keys your dealership's integrations use.</p>
      <latchkey-keys organization-external-id="acme-dealers"></latchkey-keys>`,
    );
    const page = await browser.newPage({ viewport: { width: 1100, height: 520 } });
    await page.goto(url);
    await giveCredential(page, "latchkey-keys", team.owner.token);
    const create = page.getByRole("button", { name: "Create key" });
    await create.waitFor();
    await page.getByRole("rowheader", { name: /Marketing CRM/ }).waitFor();
    const look = () =>
      create.evaluate((button) => {
        const style = (
          globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string; textTransform: string } }
        ).getComputedStyle(button);
        return { background: style.backgroundColor, transform: style.textTransform };
      });
    expect(await look()).toEqual({ background: "rgb(29, 53, 87)", transform: "uppercase" });
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await look()).toEqual({ background: "rgb(168, 197, 255)", transform: "uppercase" });
    if (process.env.SCREENSHOTS === "1") {
      const directory = path.resolve(__dirname, "../../docs/screenshots");
      await mkdir(directory, { recursive: true });
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: path.join(directory, `embedded-keys-${scheme}.png`) });
      }
    }
    await page.close();
  });
});
