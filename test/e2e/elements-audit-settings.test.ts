import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import { axeViolations, describeViolations } from "../support/axe";
import { chromiumAvailability } from "../support/chromium";
import { type ElementsHost, type ElementsWorld, giveCredential, startElementsWorld } from "../support/elements-host";
import { eventually } from "../support/eventually";
import { setOrganizationExternalId } from "../support/federation";
import { createOrganization, graphqlData, signUp, type UntypedData } from "../support/graphql-client";
import { databaseId } from "../support/ids";
import { acceptAgreement, CONTACT, CREATE_KEY, keyTeam } from "../support/keys";
import type { TestIdentityProvider } from "../support/oidc-provider";
import { platformKeys, sharedKeyMaterial } from "../support/platform";
import type { TestServer } from "../support/server";

const { run } = chromiumAvailability();
const keyMaterial = sharedKeyMaterial();

const SETTINGS = `query($id: ID!) { organization(id: $id) { settings {
  apiAccessForNonAdmins revealPolicy maxKeyLifetimeDays inactivityDays expiryWarningDays requireKeyApproval agreementVersion agreementText
} } }`;
const NEWEST_ACTOR = `query($id: ID!) { organization(id: $id) { auditLog(first: 1) { nodes { actorPlatformKeyId } } } }`;
const newestEntry = (data: UntypedData) => data.organization.auditLog.nodes[0].actorPlatformKeyId as string;
const VIEWER_CAN = `query($id: ID!) { organization(id: $id) { viewerCan { readAuditLog manageSettings } } }`;

/** What the log says it shows, as a person reads it. */
const showing = (shown: number, total: number) => `Showing ${shown} of ${total} ${total === 1 ? "entry" : "entries"}`;

/** `2026-12-03T08:11:47`: a time as a `datetime-local` field takes it in a browser whose zone is UTC. */
const localUtc = (time: number) => new Date(time).toISOString().slice(0, 19);

describe.runIf(run)("the audit log and settings elements on a host page on another origin, in Chromium", () => {
  let host: ElementsHost;
  let provider: TestIdentityProvider;
  let latchkey: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  let world: ElementsWorld;

  beforeAll(async () => {
    world = await startElementsWorld(keyMaterial);
    ({ host, provider, latchkey, browser } = world);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await world?.stop();
  });

  /** A host page embedding `body`, each element given `token`; the browser's zone is UTC, so typed times are UTC. */
  async function open(path: string, body: string, tags: string[], token: string): Promise<Page> {
    const context = await browser.newContext({ timezoneId: "UTC" });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(host.page(path, latchkey.url, body));
    for (const tag of tags) await giveCredential(page, tag, token);
    return page;
  }

  const rows = (page: Page) => page.locator("latchkey-audit-log tbody tr");
  const shown = (page: Page) => page.locator("latchkey-audit-log [role=status]").textContent();

  it("shows an IdP-signed-in owner a reveal with its reason, and narrows the log by action, person, time and object", async () => {
    const token = await provider.accessToken("audit-owner", {
      email: "audrey.owner@example.test",
      email_verified: true,
      name: "Audrey Owner",
    });
    const organization = await createOrganization(latchkey, token, "Auditing Motors");
    await acceptAgreement(latchkey, token, organization.id);
    const admin = await signUp(latchkey, "Adam Admin");
    await graphqlData(
      latchkey,
      `mutation($input: AddMemberInput!) { addMember(input: $input) { userErrors { code } } }`,
      { input: { organizationId: organization.id, email: admin.email, roleId: organization.roles.Admin } },
      token,
    );
    const before = await auditLog(latchkey, token, organization.id);
    // The time filter's resolution is a second, as a person types it: the next entries start in a later second.
    const boundary = Math.ceil((Date.parse(before.nodes[0]?.occurredAt ?? "") + 1) / 1000) * 1000;
    await eventually(() => expect(Date.now()).toBeGreaterThanOrEqual(boundary));

    await acceptAgreement(latchkey, admin.token, organization.id);
    const { createKey } = await graphqlData(
      latchkey,
      CREATE_KEY,
      { input: { organizationId: organization.id, name: "Billing sync", kind: "SECRET", contact: CONTACT } },
      token,
    );
    await graphqlData(
      latchkey,
      CREATE_KEY,
      { input: { organizationId: organization.id, name: "Adam's export", kind: "SECRET", contact: CONTACT } },
      admin.token,
    );
    const { revealKeySecret } = await graphqlData(
      latchkey,
      `mutation($input: RevealKeySecretInput!) { revealKeySecret(input: $input) { secret userErrors { code } } }`,
      { input: { id: createKey.key.id, reason: "Moving the dealer portal to a new host" } },
      token,
    );
    expect(revealKeySecret.userErrors).toEqual([]);
    const all = await auditLog(latchkey, token, organization.id);

    const page = await open(
      "/audit-owner",
      `<latchkey-audit-log organization="${organization.id}"></latchkey-audit-log>`,
      ["latchkey-audit-log"],
      token,
    );
    const reveal = rows(page).filter({ hasText: "Key secret revealed" });
    await expect.poll(() => reveal.count()).toBe(1);
    for (const words of ["Audrey Owner", "Billing sync", "Moving the dealer portal to a new host"]) {
      expect(await reveal.textContent()).toContain(words);
    }
    expect(await rows(page).count()).toBe(all.totalCount);

    await page.getByLabel("Action").selectOption({ label: "Key created" });
    await expect.poll(() => shown(page)).toBe(showing(2, 2));
    expect(await rows(page).allTextContents()).toEqual([expect.stringContaining("Adam's export"), expect.stringContaining("Billing sync")]);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("Who").selectOption({ label: `Adam Admin (${admin.email})` });
    const byAdmin = await auditLog(latchkey, token, organization.id, { actorId: admin.userId });
    await expect.poll(() => shown(page)).toBe(showing(byAdmin.totalCount, byAdmin.totalCount));
    for (const row of await rows(page).allTextContents()) expect(row).toContain("Adam Admin");

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("From").fill(localUtc(boundary));
    const after = all.totalCount - before.totalCount;
    await expect.poll(() => shown(page)).toBe(showing(after, after));
    await page.getByLabel("From").fill("");
    await page.getByLabel("Before").fill(localUtc(boundary));
    await expect.poll(() => shown(page)).toBe(showing(before.totalCount, before.totalCount));
    expect(await rows(page).filter({ hasText: "Key secret revealed" }).count()).toBe(0);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("button", { name: "History of Billing sync" }).first().click();
    const aboutKey = await auditLog(latchkey, token, organization.id, { targetId: createKey.key.id });
    await expect.poll(() => shown(page)).toBe(showing(aboutKey.totalCount, aboutKey.totalCount));
    expect(await rows(page).allTextContents()).toEqual(aboutKey.nodes.map(() => expect.stringContaining("Billing sync")));
    await page.getByRole("button", { name: "Show entries about every object, not only Billing sync" }).click();
    await expect.poll(() => rows(page).count()).toBe(all.totalCount);
  });

  it("reads a log longer than a page with Load more, newest first, each entry once, naming the platform key the host acted with", async () => {
    const team = await keyTeam(latchkey, "Paging Motors");
    for (let index = 1; index <= 12; index++) await team.createKey({ name: `Location key ${String(index).padStart(2, "0")}` });
    await setOrganizationExternalId(latchkey, team.organization.id, "tenant-paging");
    const platformKey = await platformKeys(latchkey, keyMaterial).create();
    const { upsertLocation } = await graphqlData(
      latchkey,
      `mutation($input: UpsertLocationInput!) { upsertLocation(input: $input) { userErrors { code } } }`,
      { input: { organizationExternalId: "tenant-paging", externalId: "north", name: "North branch" } },
      platformKey.secret,
    );
    expect(upsertLocation.userErrors).toEqual([]);
    const all = await auditLog(latchkey, team.owner.token, team.organization.id);
    expect(all.totalCount).toBeGreaterThan(10);

    const page = await open(
      "/audit-paging",
      `<latchkey-audit-log organization="${team.organization.id}" page-size="5"></latchkey-audit-log>`,
      ["latchkey-audit-log"],
      team.owner.token,
    );
    await expect.poll(() => shown(page)).toBe(showing(5, all.totalCount));
    const [newest, next] = await rows(page).allTextContents();
    const platformKeyId = newestEntry(await graphqlData(latchkey, NEWEST_ACTOR, { id: team.organization.id }, team.owner.token));
    expect(databaseId(platformKeyId)).toBe(platformKey.id);
    for (const words of ["Location created", "North branch", "Platform key", platformKeyId]) expect(newest).toContain(words);
    expect(next).toContain("Location key 12");
    while (await page.getByRole("button", { name: "Load more" }).count()) {
      const count = await rows(page).count();
      await page.getByRole("button", { name: "Load more" }).click();
      await expect.poll(() => rows(page).count()).toBeGreaterThan(count);
    }
    expect(await shown(page)).toBe(showing(all.totalCount, all.totalCount));
    const created = (await rows(page).allTextContents()).filter((row) => row.includes("Key created"));
    expect(created.map((row) => /Location key \d+/.exec(row)?.[0])).toEqual(
      Array.from({ length: 12 }, (_, index) => `Location key ${String(12 - index).padStart(2, "0")}`),
    );

    // The platform key seen in the log can be chosen under Who: only what the host's backend did remains.
    await page.getByLabel("Who").selectOption({ label: `Platform key (${platformKeyId})` });
    await expect.poll(() => shown(page)).toBe(showing(1, 1));
    expect(await rows(page).allTextContents()).toEqual([expect.stringContaining("North branch")]);
  });

  it("saves changed policies, which GraphQL, a reloaded page and the audit log then show", async () => {
    const team = await keyTeam(latchkey, "Policy Motors");
    const id = team.organization.id;
    const body = `<latchkey-organization-settings organization="${id}"></latchkey-organization-settings>
      <latchkey-audit-log organization="${id}"></latchkey-audit-log>`;
    const page = await open("/settings-owner", body, ["latchkey-organization-settings"], team.owner.token);
    await page.getByLabel("Members without admin rights may create API keys").check();
    await page.getByLabel("Keys made by members who may not manage every key wait for an admin's approval").check();
    await page.getByLabel("Key secrets").selectOption("SHOW_ONCE");
    await page.getByLabel("Longest key lifetime (days)").fill("");
    await page.getByLabel("Disable keys unused for (days)").fill("45");
    await page.getByLabel("Warn this many days before (days)").fill("3, 10");
    await page.getByLabel("API agreement version").fill("2");
    await page.getByLabel("API agreement terms").fill("Keep keys out of source control.");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.getByText("Settings saved.").count()).toBe(1);

    const saved = {
      apiAccessForNonAdmins: true,
      requireKeyApproval: true,
      revealPolicy: "SHOW_ONCE",
      maxKeyLifetimeDays: null,
      inactivityDays: 45,
      expiryWarningDays: [10, 3],
      agreementVersion: 2,
      agreementText: "Keep keys out of source control.",
    };
    expect((await graphqlData(latchkey, SETTINGS, { id: team.organization.id }, team.owner.token)).organization.settings).toEqual(saved);

    await page.reload();
    await giveCredential(page, "latchkey-organization-settings", team.owner.token);
    await giveCredential(page, "latchkey-audit-log", team.owner.token);
    await expect.poll(() => page.getByLabel("Disable keys unused for (days)").inputValue()).toBe("45");
    expect(await page.getByLabel("Warn this many days before (days)").inputValue()).toBe("10, 3");
    expect(await page.getByLabel("Longest key lifetime (days)").inputValue()).toBe("");
    expect(await page.getByLabel("Key secrets").inputValue()).toBe("SHOW_ONCE");
    expect(await page.getByLabel("Members without admin rights may create API keys").isChecked()).toBe(true);
    expect(await page.getByLabel("API agreement terms").inputValue()).toBe("Keep keys out of source control.");
    const change = rows(page).filter({ hasText: "Organization settings changed" });
    await expect.poll(() => change.count()).toBe(1);
    for (const words of ["inactivity days: 90 → 45", "expiry warning days: 15, 7, 1 → 10, 3", "max key lifetime days: 366 → none"]) {
      expect(await change.textContent()).toContain(words);
    }
  });

  it("refuses an invalid value beside its field and changes nothing; the corrected save keeps what another admin changed meanwhile", async () => {
    const team = await keyTeam(latchkey, "Careful Motors");
    const unchanged = (await graphqlData(latchkey, SETTINGS, { id: team.organization.id }, team.owner.token)).organization.settings;
    const body = `<latchkey-organization-settings organization="${team.organization.id}"></latchkey-organization-settings>`;
    const page = await open("/settings-invalid", body, ["latchkey-organization-settings"], team.owner.token);
    const field = (label: string) => page.locator("latchkey-organization-settings .field", { has: page.getByLabel(label) });

    await page.getByLabel("Disable keys unused for (days)").fill("5000");
    await page.getByLabel("Key secrets").selectOption("SHOW_ONCE");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => field("Disable keys unused for (days)").textContent()).toContain("must be at most 3650 days");
    expect(await page.getByLabel("Disable keys unused for (days)").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Disable keys unused for (days)").inputValue()).toBe("5000");
    expect(await field("Key secrets").locator(".failure").count()).toBe(0);

    await page.getByLabel("Disable keys unused for (days)").fill("90");
    await page.getByLabel("Warn this many days before (days)").fill("7, soon");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => field("Warn this many days before (days)").textContent()).toContain("Enter whole numbers of days");
    expect(await field("Disable keys unused for (days)").locator(".failure").count()).toBe(0);

    expect((await graphqlData(latchkey, SETTINGS, { id: team.organization.id }, team.owner.token)).organization.settings).toEqual(
      unchanged,
    );
    expect((await auditLog(latchkey, team.owner.token, team.organization.id, { actions: ["ORGANIZATION_UPDATED"] })).totalCount).toBe(0);

    await team.updateSettings({ maxKeyLifetimeDays: 30 });
    await page.getByLabel("Warn this many days before (days)").fill("7, 1");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.getByText("Settings saved.").count()).toBe(1);
    expect((await graphqlData(latchkey, SETTINGS, { id: team.organization.id }, team.owner.token)).organization.settings).toEqual({
      ...unchanged,
      revealPolicy: "SHOW_ONCE",
      expiryWarningDays: [7, 1],
      maxKeyLifetimeDays: 30,
    });
  });

  it("offers a Viewer no edit controls and no audit log, as viewerCan says", async () => {
    const team = await keyTeam(latchkey, "Viewing Motors");
    const viewer = await team.addMember("Vera Viewer", "Viewer");
    expect((await graphqlData(latchkey, VIEWER_CAN, { id: team.organization.id }, viewer.token)).organization.viewerCan).toEqual({
      readAuditLog: false,
      manageSettings: false,
    });
    const id = team.organization.id;
    const page = await open(
      "/viewer",
      `<latchkey-organization-settings organization="${id}"></latchkey-organization-settings><latchkey-audit-log organization="${id}"></latchkey-audit-log>`,
      ["latchkey-organization-settings", "latchkey-audit-log"],
      viewer.token,
    );
    await expect.poll(() => page.getByText("You do not have permission to read this organization's audit log.").count()).toBe(1);
    await expect.poll(() => page.getByRole("heading", { name: "Settings of Viewing Motors" }).count()).toBe(1);
    expect(await page.locator("latchkey-organization-settings dd").first().textContent()).toBe("No");
    for (const role of ["button", "textbox", "checkbox", "combobox", "table"] as const) {
      expect(await page.getByRole(role).count(), role).toBe(0);
    }
    for (const scheme of ["light", "dark"] as const) {
      const serious = (await axeViolations(page, scheme)).filter((violation) => ["serious", "critical"].includes(violation.impact ?? ""));
      expect(describeViolations(serious), scheme).toEqual([]);
    }
  });

  it("tells someone outside the organisation, in plain words, that it was not found, in both elements", async () => {
    const team = await keyTeam(latchkey, "Private Motors");
    const outsider = await signUp(latchkey, "Otto Outsider");
    const id = team.organization.id;
    const page = await open(
      "/outsider",
      `<latchkey-organization-settings organization="${id}"></latchkey-organization-settings><latchkey-audit-log organization="${id}"></latchkey-audit-log>`,
      ["latchkey-organization-settings", "latchkey-audit-log"],
      outsider.token,
    );
    await expect
      .poll(() => page.getByRole("alert").allTextContents())
      .toEqual([
        "This organization was not found, or you are not a member of it.",
        "This organization was not found, or you are not a member of it.",
      ]);
    expect(await page.getByText("Private Motors").count()).toBe(0);
  });

  it("passes axe in light and dark with one key's history, the form and a refusal shown, and is worked from the keyboard", async () => {
    const team = await keyTeam(latchkey, "Accessible Motors");
    const { key } = await team.createKey({ name: "Billing sync" });
    await team.createKey({ name: "Payroll export" });
    const id = team.organization.id;
    const page = await open(
      "/axe",
      `<latchkey-organization-settings organization="${id}"></latchkey-organization-settings>
       <latchkey-audit-log organization="${id}" target="${key.id}"></latchkey-audit-log>`,
      ["latchkey-organization-settings", "latchkey-audit-log"],
      team.owner.token,
    );
    const history = await auditLog(latchkey, team.owner.token, id, { targetId: key.id });
    await expect.poll(() => shown(page)).toBe(showing(history.totalCount, history.totalCount));
    expect(await rows(page).allTextContents()).toEqual(history.nodes.map(() => expect.stringContaining("Billing sync")));
    await page.getByLabel("Disable keys unused for (days)").fill("0");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.getByText("must be at least 1 day").count()).toBe(1);
    for (const scheme of ["light", "dark"] as const) {
      const serious = (await axeViolations(page, scheme)).filter((violation) => ["serious", "critical"].includes(violation.impact ?? ""));
      expect(describeViolations(serious), scheme).toEqual([]);
    }

    await page.getByRole("button", { name: "Show entries about every object, not only Billing sync" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => rows(page).filter({ hasText: "Payroll export" }).count()).toBe(1);
  });
});
