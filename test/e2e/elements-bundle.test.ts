import { createHash } from "node:crypto";
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
});
