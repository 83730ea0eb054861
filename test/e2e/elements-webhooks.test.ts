import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import { axeViolations, describeViolations } from "../support/axe";
import { chromiumAvailability } from "../support/chromium";
import { type ElementsHost, type ElementsWorld, giveCredential, startElementsWorld } from "../support/elements-host";
import { eventually } from "../support/eventually";
import { createOrganization, graphqlData } from "../support/graphql-client";
import type { InPage } from "../support/in-page";
import { acceptAgreement, CONTACT, CREATE_KEY, keyTeam } from "../support/keys";
import type { TestIdentityProvider } from "../support/oidc-provider";
import type { TestServer } from "../support/server";
import { type Receiver, startReceiver, typeOf } from "../support/webhook-receiver";
import { createEndpoint, endpointMessages, endpointMutation, WEBHOOK_TEST_ENV } from "../support/webhooks";

const { run } = chromiumAvailability();

const ELEMENT = "latchkey-webhooks";

describe.runIf(run)("<latchkey-webhooks> embedded in a host page on another origin", () => {
  let host: ElementsHost;
  let idp: TestIdentityProvider;
  let latchkey: TestServer;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;

  let world: ElementsWorld;

  beforeAll(async () => {
    receiver = await startReceiver();
    // The job queue runs (WEBHOOK_TEST_ENV), so events really reach the receiver on 127.0.0.1.
    world = await startElementsWorld(WEBHOOK_TEST_ENV);
    ({ host, provider: idp, latchkey, browser } = world);
    context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: host.origin });
  });
  afterAll(async () => {
    await world?.stop();
    await receiver?.close();
  });

  async function embed(path: string, organizationId: string, token: string, attributes = ""): Promise<Page> {
    const url = host.page(path, latchkey.url, `<${ELEMENT} organization="${organizationId}" ${attributes}></${ELEMENT}>`);
    const page = await context.newPage();
    await page.goto(url);
    await giveCredential(page, ELEMENT, token);
    return page;
  }

  async function expectAccessible(page: Page, what: string): Promise<void> {
    for (const scheme of ["light", "dark"] as const) {
      const serious = (await axeViolations(page, scheme)).filter((violation) => ["serious", "critical"].includes(violation.impact ?? ""));
      expect(describeViolations(serious), `${what}, ${scheme}`).toEqual([]);
    }
  }

  const shadowHtml = (page: Page) =>
    page.locator(ELEMENT).evaluate((element) => (element as unknown as { shadowRoot: { innerHTML: string } }).shadowRoot.innerHTML);

  it("lets an owner signed in with the host's identity provider add, pause, resume, test, redeliver, recover, rotate and delete an endpoint", async () => {
    const token = await idp.accessToken("webhook-owner", { email: "webhook.owner@host.test", name: "Wendy Owner" });
    const organization = await createOrganization(latchkey, token, "Hook Motors");
    await acceptAgreement(latchkey, token, organization.id);
    const page = await embed("/owner", organization.id, token);
    await expect.poll(() => page.getByText("No webhook endpoints yet.").count(), { timeout: 15_000 }).toBe(1);

    // Create: the event types are picked from the server's list; the secret is shown once, with a copy button.
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const createForm = page.getByRole("dialog", { name: "Add a webhook endpoint" });
    await createForm.getByRole("textbox", { name: "URL" }).fill(receiver.url("/crm"));
    await createForm.getByRole("textbox", { name: "Description" }).fill("CRM sync");
    await createForm.getByRole("checkbox", { name: "Every key event (key.*)" }).check();
    await createForm.getByRole("checkbox", { name: "webhook.test", exact: true }).check();
    await expectAccessible(page, "the create dialog");
    await createForm.getByRole("button", { name: "Add endpoint" }).click();
    const secretDialog = page.getByRole("dialog", { name: "Signing secret of CRM sync" });
    await secretDialog.waitFor();
    const secret = (await secretDialog.locator("[data-secret]").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    await secretDialog.getByRole("button", { name: "Copy the signing secret of CRM sync" }).click();
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText() as Promise<string>))
      .toBe(secret);
    await secretDialog.getByRole("button", { name: "Done" }).click();
    await secretDialog.waitFor({ state: "hidden" });
    expect(await shadowHtml(page)).not.toContain(secret);
    const [endpoint] = (await graphqlData(latchkey, ENDPOINTS, { id: organization.id }, token)).organization.webhookEndpoints.nodes;
    expect(endpoint).toMatchObject({
      url: receiver.url("/crm"),
      description: "CRM sync",
      eventTypes: ["key.*", "webhook.test"],
      status: "ENABLED",
    });

    // A key event reaches the receiver, signed with the secret the element showed.
    await createKey(token, organization.id, "Dealer feed");
    const [delivered] = await receiver.waitFor(1, (request) => request.path === "/crm" && typeOf(request) === "key.created");
    expect(() => new Webhook(secret).verify(delivered.body, delivered.headers as Record<string, string>)).not.toThrow();

    // Pause and resume, as Crelate's list does: while paused, sending a test is not offered and events are kept.
    await page.getByRole("button", { name: "Pause CRM sync" }).click();
    await page.getByRole("button", { name: "Resume CRM sync" }).waitFor();
    expect(await hasFocus(page.getByRole("button", { name: "Resume CRM sync" })), "focus moves from Pause to Resume").toBe(true);
    expect(
      await page
        .getByRole("row", { name: /CRM sync/ })
        .getByText("Paused", { exact: true })
        .count(),
    ).toBe(1);
    expect(await page.getByRole("button", { name: "Send test to CRM sync" }).count()).toBe(0);
    expect(await endpointStatus(token, endpoint.id)).toBe("PAUSED");
    await createKey(token, organization.id, "Kept while paused");
    await page.getByRole("button", { name: "Resume CRM sync" }).click();
    await page.getByRole("button", { name: "Pause CRM sync" }).waitFor();
    expect(await endpointStatus(token, endpoint.id)).toBe("ENABLED");
    await receiver.waitFor(2, (request) => request.path === "/crm" && typeOf(request) === "key.created");

    // Send test: the test event arrives, and the delivery log shows its attempt.
    await page.getByRole("button", { name: "Send test to CRM sync" }).click();
    await page.getByText("A test event is on its way to CRM sync.").waitFor();
    const [test] = await receiver.waitFor(1, (request) => request.path === "/crm" && typeOf(request) === "webhook.test");
    await page.getByRole("button", { name: "Deliveries to CRM sync" }).click();
    const log = page.locator("latchkey-webhook-deliveries");
    const testRow = log.getByRole("row", { name: /webhook\.test/ });
    await refreshUntil(page, () => testRow.getByText("HTTP 200").count(), 1);
    expect(await testRow.getByText("Delivered", { exact: true }).count()).toBe(1);
    expect(await text(testRow.getByRole("listitem"))).toMatch(/HTTP 200 in \d+ ms \(scheduled\)/);
    await expectAccessible(page, "the table with the delivery log");

    // Redeliver: a second attempt, with the same webhook-id, marked as a redelivery.
    await testRow.getByRole("button", { name: /^Redeliver the webhook\.test message of / }).click();
    const again = await receiver.waitFor(2, (request) => request.path === "/crm" && typeOf(request) === "webhook.test");
    expect(again[1]?.headers["webhook-id"]).toBe(test.headers["webhook-id"]);
    await refreshUntil(page, () => testRow.getByRole("listitem").count(), 2);
    expect(await text(testRow.getByRole("listitem").nth(1))).toMatch(/HTTP 200 in \d+ ms \(redelivery\)/);

    // Recover since a time: a test event the receiver refused (every attempt) is sent again and delivered.
    receiver.answer(() => ({ status: 500 }));
    await page.getByRole("button", { name: "Send test to CRM sync" }).click();
    const newest = log.getByRole("row", { name: /webhook\.test/ }).first();
    await refreshUntil(page, () => newest.getByText("Failed", { exact: true }).count(), 1);
    expect(await text(newest.getByRole("listitem").first())).toMatch(/HTTP 500 in \d+ ms \(scheduled\)/);
    receiver.answer(() => ({ status: 200 }));
    await log.getByLabel("Send again what failed since").fill(localDateTime(Date.now() - 3_600_000));
    await log.getByRole("button", { name: "Send failed again to CRM sync" }).click();
    await log.getByText(/^1 message since .* queued again\.$/).waitFor();
    await refreshUntil(page, () => newest.getByText("Delivered", { exact: true }).count(), 1);

    // Rotate: a new secret, shown once.
    await page.getByRole("button", { name: "Rotate secret of CRM sync" }).click();
    const rotated = page.getByRole("dialog", { name: "New signing secret of CRM sync" });
    const newSecret = (await rotated.locator("[data-secret]").textContent()) ?? "";
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    await rotated.getByRole("button", { name: "Done" }).click();

    // Delete, after confirming.
    await page.getByRole("button", { name: "Delete CRM sync" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete CRM sync?" });
    await confirm.getByRole("button", { name: "Delete CRM sync" }).click();
    await page.getByText("No webhook endpoints yet.").waitFor();
    expect((await graphqlData(latchkey, ENDPOINTS, { id: organization.id }, token)).organization.webhookEndpoints.nodes).toEqual([]);

    const actions = (await auditLog(latchkey, token, organization.id, { targetId: endpoint.id })).nodes.map((entry) => entry.action);
    expect(actions.sort()).toEqual(
      [
        "WEBHOOK_CREATED",
        "WEBHOOK_PAUSED",
        "WEBHOOK_RESUMED",
        "WEBHOOK_TEST_SENT",
        "WEBHOOK_REDELIVERED",
        "WEBHOOK_TEST_SENT",
        "WEBHOOK_REDELIVERED",
        "WEBHOOK_SECRET_ROTATED",
        "WEBHOOK_DELETED",
      ].sort(),
    );
    await page.close();
  }, 60_000);

  it("says why an endpoint was refused beside its URL (adding nothing) and why a row action failed beside it", async () => {
    const team = await keyTeam(latchkey, "Refused Hook Motors");
    const page = await embed("/refused", team.organization.id, team.owner.token);
    // By keyboard alone: Enter opens the dialog with focus in its first field; Enter in a field submits.
    const addButton = page.getByRole("button", { name: "Add endpoint" });
    await addButton.focus();
    await page.keyboard.press("Enter");
    const createForm = page.getByRole("dialog", { name: "Add a webhook endpoint" });
    await createForm.waitFor();
    await page.keyboard.type("http://10.1.2.3/hooks");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    expect(await createForm.getByRole("checkbox", { name: "Every event (*)" }).isChecked()).toBe(true);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    const refusal = createForm.locator("#url-error");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^url: /);
    expect(await createForm.getByRole("textbox", { name: "URL" }).getAttribute("aria-invalid")).toBe("true");
    expect(
      (await graphqlData(latchkey, ENDPOINTS, { id: team.organization.id }, team.owner.token)).organization.webhookEndpoints.nodes,
    ).toEqual([]);
    await page.keyboard.press("Escape");
    await createForm.waitFor({ state: "hidden" });
    expect(await hasFocus(addButton), "focus returns to Add endpoint").toBe(true);

    // A refusal of a row action is said in that row: here the endpoint was deleted elsewhere meanwhile.
    const created = await createEndpoint(latchkey, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/gone"),
      description: "Gone feed",
    });
    await page.reload();
    await giveCredential(page, ELEMENT, team.owner.token);
    await page.getByRole("button", { name: "Pause Gone feed" }).waitFor();
    const { deleteWebhookEndpoint } = await graphqlData(
      latchkey,
      "mutation($id: ID!) { deleteWebhookEndpoint(input: { id: $id }) { userErrors { message } } }",
      { id: created.endpoint?.id },
      team.owner.token,
    );
    expect(deleteWebhookEndpoint.userErrors).toEqual([]);
    await page.getByRole("button", { name: "Pause Gone feed" }).click();
    const row = page.getByRole("row", { name: /Gone feed/ });
    await row.getByRole("alert").waitFor();
    expect(await row.getByRole("alert").textContent()).toBe("Webhook endpoint not found.");
    await page.close();
  });

  it("edits an endpoint's description and events from its row, saving only what was changed; a refused URL is said beside it and changes nothing", async () => {
    const team = await keyTeam(latchkey, "Edited Hook Motors");
    const created = await createEndpoint(latchkey, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/billing"),
      description: "Billing feed",
      eventTypes: ["key.created"],
    });
    const id = created.endpoint?.id as string;
    const page = await embed("/edit", team.organization.id, team.owner.token);
    const editButton = page.getByRole("button", { name: "Edit Billing feed" });
    await editButton.click();
    const form = page.getByRole("dialog", { name: "Edit webhook endpoint" });
    await form.waitFor();
    // The form starts from the endpoint as it is.
    expect(await form.getByRole("textbox", { name: "URL" }).inputValue()).toBe(receiver.url("/billing"));
    expect(await form.getByRole("textbox", { name: "Description" }).inputValue()).toBe("Billing feed");
    expect(await form.getByRole("checkbox", { name: "key.created" }).isChecked()).toBe(true);
    expect(await form.getByRole("checkbox", { name: "key.revoked" }).isChecked()).toBe(false);

    // Another admin moves the endpoint meanwhile: saving the description and events must not move it back.
    const moved = receiver.url("/billing-v2");
    const { updateWebhookEndpoint: elsewhere } = await graphqlData(
      latchkey,
      "mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { userErrors { message } } }",
      { input: { id, url: moved } },
      team.owner.token,
    );
    expect(elsewhere.userErrors).toEqual([]);
    await form.getByRole("textbox", { name: "Description" }).fill("Billing and revocations");
    await form.getByRole("checkbox", { name: "key.revoked" }).check();
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.waitFor({ state: "hidden" });
    const row = page.getByRole("row", { name: /Billing and revocations/ });
    await row.getByText("Billing and revocations was saved.").waitFor();
    expect(await text(row.getByRole("cell").first())).toBe("key.created key.revoked");
    const saved = (await graphqlData(latchkey, ENDPOINTS, { id: team.organization.id }, team.owner.token)).organization.webhookEndpoints
      .nodes;
    expect(saved).toEqual([
      { id, url: moved, description: "Billing and revocations", eventTypes: ["key.created", "key.revoked"], status: "ENABLED" },
    ]);

    // A URL the server refuses: said beside the field, and the endpoint keeps its own.
    await page.getByRole("button", { name: "Edit Billing and revocations" }).click();
    await form.waitFor();
    expect(await form.getByRole("textbox", { name: "Description" }).inputValue(), "the form starts from the saved values").toBe(
      "Billing and revocations",
    );
    await form.getByRole("textbox", { name: "URL" }).fill("http://10.1.2.3/hooks");
    await form.getByRole("button", { name: "Save changes" }).click();
    const refusal = form.locator("#edit-url-error");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^url: /);
    expect(await form.getByRole("textbox", { name: "URL" }).getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByRole("textbox", { name: "URL" }).inputValue(), "what was typed stays to be corrected").toBe(
      "http://10.1.2.3/hooks",
    );
    expect(
      (await graphqlData(latchkey, ENDPOINTS, { id: team.organization.id }, team.owner.token)).organization.webhookEndpoints.nodes[0].url,
    ).toBe(moved);
    await page.keyboard.press("Escape");
    await form.waitFor({ state: "hidden" });
    expect(await hasFocus(page.getByRole("button", { name: "Edit Billing and revocations" })), "focus returns to Edit").toBe(true);
    await expectAccessible(page, "the endpoints table after an edit");
    await page.close();
  });

  it("offers a Viewer nothing, a Developer only their own endpoints, and an admin one member's when asked", async () => {
    const team = await keyTeam(latchkey, "Viewer Hook Motors");
    const viewer = await team.addMember("Vera Viewer", "Viewer");
    const developer = await team.addMember("Dev Developer", "Developer");
    await createEndpoint(latchkey, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/owners"),
      description: "Owner's feed",
    });
    await createEndpoint(latchkey, developer.token, {
      organizationId: team.organization.id,
      url: receiver.url("/devs"),
      description: "Dev feed",
    });

    const viewerPage = await embed("/viewer", team.organization.id, viewer.token);
    await viewerPage.getByText("You may not manage webhooks in this organization", { exact: false }).waitFor();
    expect(await viewerPage.locator(ELEMENT).getByRole("button").count()).toBe(0);
    expect(await viewerPage.getByText("Owner's feed").count()).toBe(0);
    await expectAccessible(viewerPage, "the Viewer's view");
    await viewerPage.close();

    const developerPage = await embed("/developer", team.organization.id, developer.token);
    await developerPage.getByRole("button", { name: "Pause Dev feed" }).waitFor();
    expect(await developerPage.getByText("Owner's feed").count()).toBe(0);
    for (const name of ["Edit Dev feed", "Send test to Dev feed", "Rotate secret of Dev feed", "Delete Dev feed", "Add endpoint"])
      expect(await developerPage.getByRole("button", { name }).count(), name).toBe(1);
    await developerPage.close();

    // An admin's view of one member's endpoints, as on Crelate's page of a user's webhooks.
    const memberPage = await embed("/member-webhooks", team.organization.id, team.owner.token, `created-by="${developer.userId}"`);
    await memberPage.getByRole("button", { name: "Pause Dev feed" }).waitFor();
    expect(await memberPage.getByText("Owner's feed").count()).toBe(0);
    await memberPage.close();
  });

  it("pages an endpoint's delivery log ten at a time, with older ones on demand", async () => {
    const team = await keyTeam(latchkey, "Paged Hook Motors");
    const created = await createEndpoint(latchkey, team.owner.token, {
      organizationId: team.organization.id,
      url: receiver.url("/paged"),
      description: "Paged feed",
      eventTypes: ["key.created"],
    });
    const id = created.endpoint?.id as string;
    // Paused, so each key event is kept as a waiting message and the log holds exactly what was made here.
    expect((await endpointMutation(latchkey, team.owner.token, "pauseWebhookEndpoint", id)).userErrors).toEqual([]);
    for (let index = 1; index <= 12; index++) await team.createKey({ name: `Paged key ${index}` });
    await eventually(async () => expect((await endpointMessages(latchkey, team.owner.token, id)).messages.totalCount).toBe(12));

    const page = await embed("/paged", team.organization.id, team.owner.token);
    await page.getByRole("button", { name: "Deliveries to Paged feed" }).click();
    const log = page.locator("latchkey-webhook-deliveries");
    const rows = log.getByRole("row", { name: /key\.created/ });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(10);
    expect(await log.getByText("Showing 10 of 12", { exact: false }).count()).toBe(1);
    expect(await rows.first().getByText("Waiting", { exact: true }).count()).toBe(1);
    // Paused: nothing may be redelivered, so nothing offers to.
    expect(await log.getByRole("button", { name: /^Redeliver/ }).count()).toBe(0);
    await log.getByRole("button", { name: "Show older deliveries" }).click();
    await expect.poll(() => rows.count()).toBe(12);
    expect(await log.getByRole("button", { name: "Show older deliveries" }).count()).toBe(0);
    await page.close();
  });

  const hasFocus = (locator: Locator) =>
    locator.evaluate((element) => element === (element.getRootNode() as unknown as { activeElement: unknown }).activeElement);

  const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

  /** What a `datetime-local` field takes: local time to the minute (the browser runs in this process's time zone). */
  function localDateTime(epochMs: number): string {
    const at = new Date(epochMs);
    const two = (n: number) => String(n).padStart(2, "0");
    return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
  }

  const ENDPOINTS = `query($id: ID!) { organization(id: $id) { webhookEndpoints { nodes { id url description eventTypes status } } } }`;

  async function endpointStatus(token: string, id: string): Promise<string> {
    const { node } = await graphqlData(latchkey, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { status } } }`, { id }, token);
    return node.status;
  }

  async function createKey(token: string, organizationId: string, name: string) {
    const { createKey } = await graphqlData(
      latchkey,
      CREATE_KEY,
      { input: { organizationId, name, kind: "SECRET", contact: CONTACT } },
      token,
    );
    expect(createKey.userErrors).toEqual([]);
  }

  /** Clicks the log's Refresh, as a person would, until `count()` reaches `expected`. */
  async function refreshUntil(page: Page, count: () => Promise<number>, expected: number): Promise<void> {
    await eventually(
      async () => {
        await page.getByRole("button", { name: /^Refresh deliveries to / }).click();
        expect(await count()).toBe(expected);
      },
      { timeoutMs: 15_000 },
    );
  }
});
