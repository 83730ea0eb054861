import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailability } from "../support/chromium";
import { type ElementsHost, giveCredential, launchChromium, startElementsHost } from "../support/elements-host";
import { eventually } from "../support/eventually";
import { keyTeam } from "../support/keys";
import { metricValue } from "../support/metrics";
import { startSecondInstance, startTestServer, type TestServer } from "../support/server";

const { run } = chromiumAvailability();
const SUBSCRIPTIONS_OPENED = "latchkey_event_subscriptions_total";

describe.runIf(run)("<latchkey-keys> across a restart of the instance it listens to", () => {
  let host: ElementsHost;
  let primary: TestServer;
  let instance: TestServer | undefined;
  let browser: Browser;

  beforeAll(async () => {
    host = await startElementsHost();
    primary = await startTestServer({ CORS_ORIGINS: host.origin });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await instance?.stop();
    await primary?.stop();
    await host?.stop();
  });

  it("reads the list again when its socket reconnects, so a key created while it was away appears without a reload", async () => {
    // The page talks to a second instance on the same database, which can go away while the primary keeps serving.
    instance = await startSecondInstance(primary, { CORS_ORIGINS: host.origin });
    const { port } = new URL(instance.url);
    const team = await keyTeam(primary, "Restart Motors");
    await team.createKey({ name: "Made before" });

    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    let reloaded = false;
    await page.goto(host.page("/keys", instance.url, `<latchkey-keys organization="${team.organization.id}"></latchkey-keys>`));
    page.on("framenavigated", () => {
      reloaded = true;
    });
    await giveCredential(page, "latchkey-keys", team.owner.token);
    await page.getByRole("rowheader", { name: "Made before" }).waitFor();
    const listening = instance;
    await eventually(async () => expect(await metricValue(listening, SUBSCRIPTIONS_OPENED)).toBeGreaterThanOrEqual(1));

    await instance.stop();
    instance = undefined;
    // No instance hears this for the page: only reading the list again can show it.
    await team.createKey({ name: "Made while away" });
    instance = await startTestServer({ CORS_ORIGINS: host.origin, PORT: port }, primary.databaseUrl);

    // graphql-ws retries with a randomised back-off of a few seconds.
    await page.getByRole("rowheader", { name: "Made while away" }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole("rowheader", { name: "Made before" }).count()).toBe(1);
    expect(reloaded).toBe(false);
    await page.close();
  }, 60_000);
});
