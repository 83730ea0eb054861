import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import { axeViolations, describeViolations } from "../support/axe";
import { chromiumAvailability } from "../support/chromium";
import { type ElementsHost, type ElementsWorld, giveCredential, startElementsWorld } from "../support/elements-host";
import { eventually } from "../support/eventually";
import { createOrganization, graphqlData } from "../support/graphql-client";
import type { InPage } from "../support/in-page";
import { acceptAgreement, CONTACT, CREATE_KEY } from "../support/keys";
import { metricValue } from "../support/metrics";
import type { TestIdentityProvider } from "../support/oidc-provider";
import type { TestServer } from "../support/server";

const { run } = chromiumAvailability();

interface FocusedElement {
  shadowRoot: { activeElement: FocusedElement | null } | null;
  getAttribute(name: string): string | null;
  textContent: string | null;
}

/** Subscriptions the server has registered since it started: the signal that a page now hears key events. */
const SUBSCRIPTIONS_OPENED = "latchkey_event_subscriptions_total";
const KEY = `query($id: ID!) { node(id: $id) { ... on ApiKey { state revokedReason scopes allowedCidrs publicId kind expiresAt } } }`;
const VERIFY = `query($accessKey: String, $secret: String!) { verifyKey(accessKey: $accessKey, secret: $secret) { valid code } }`;

/**
 * Whether any element on the page, in any shadow root, holds `secret` in its state (own properties and
 * the values of its classes' getters, with objects or arrays in them three levels deep) or its markup:
 * what a host page's scripts could read.
 */
const heldByElements = (page: Page, secret: string) =>
  page.evaluate((secret) => {
    type Scanned = { shadowRoot?: Scanned | null; innerHTML?: string; querySelectorAll(selector: string): Iterable<Scanned> };
    const isNode = (value: unknown) => typeof value === "object" && value !== null && "nodeType" in value;
    const holds = (value: unknown, depth: number): boolean => {
      if (typeof value === "string") return value.includes(secret);
      if (!value || typeof value !== "object" || isNode(value) || depth === 0) return false;
      return Object.values(value).some((inner) => holds(inner, depth - 1));
    };
    // A custom element's state lives behind accessors on its classes (Lit's reactive properties, kept
    // in private storage): read every getter its own classes define, up to HTMLElement.
    const stateOf = (element: object): unknown[] => {
      const values: unknown[] = Object.values(element);
      const base = (globalThis as unknown as { HTMLElement: { prototype: object } }).HTMLElement.prototype;
      for (let proto = Object.getPrototypeOf(element); proto && proto !== base; proto = Object.getPrototypeOf(proto)) {
        for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
          if (!descriptor.get) continue;
          try {
            values.push((element as Record<string, unknown>)[name]);
          } catch {}
        }
      }
      return values;
    };
    const roots: Scanned[] = [(globalThis as unknown as { document: Scanned }).document];
    for (let index = 0; index < roots.length; index++) {
      for (const element of roots[index].querySelectorAll("*")) {
        if (stateOf(element).some((value) => holds(value, 3))) return true;
        if (element.shadowRoot) {
          if (element.shadowRoot.innerHTML?.includes(secret)) return true;
          roots.push(element.shadowRoot);
        }
      }
    }
    return false;
  }, secret);

describe.runIf(run)("<latchkey-keys> on a host page on another origin, signed in with an identity provider's token", () => {
  let host: ElementsHost;
  let provider: TestIdentityProvider;
  let latchkey: TestServer;
  let browser: Browser;
  let people = 0;

  let world: ElementsWorld;

  beforeAll(async () => {
    world = await startElementsWorld();
    ({ host, provider, latchkey, browser } = world);
  });
  afterAll(() => world?.stop());

  /** A person of the host product, known to Latchkey by the identity provider's token alone. */
  async function hostUser(name: string) {
    people += 1;
    const email = `${name.toLowerCase().replaceAll(" ", ".")}.${people}@example.test`;
    const token = await provider.accessToken(`host-user-${people}`, { email, email_verified: true, name });
    // The first request signs the federated user in, so the organisation can add them by email.
    await graphqlData(latchkey, "{ viewer { email } }", {}, token);
    return { email, token };
  }

  /** An organisation whose Owner signed in through the identity provider and has not yet accepted the API agreement. */
  async function hostOrganization(name: string) {
    const owner = await hostUser(`${name} Owner`);
    const organization = await createOrganization(latchkey, owner.token, name);
    const createKey = async (input: Record<string, unknown>) => {
      const { createKey } = await graphqlData(
        latchkey,
        CREATE_KEY,
        { input: { organizationId: organization.id, kind: "SECRET", contact: CONTACT, ...input } },
        owner.token,
      );
      expect(createKey.userErrors).toEqual([]);
      return createKey as { secret: string; key: { id: string; name: string; publicId: string | null } };
    };
    return { owner, organization, createKey };
  }

  /** Opens the element for `organizationId` in a fresh context with clipboard access, as the host hands it its token. */
  async function openKeys(organizationId: string, token: string, attributes = "", hostStyles = ""): Promise<Page> {
    const ownContext: BrowserContext = await browser.newContext();
    await ownContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: host.origin });
    ownContext.setDefaultTimeout(10_000);
    const page = await ownContext.newPage();
    await page.goto(
      host.page(
        `/keys-${organizationId}-${attributes.length}`,
        latchkey.url,
        `<style>${hostStyles}</style><latchkey-keys organization="${organizationId}" ${attributes}></latchkey-keys>`,
      ),
    );
    await giveCredential(page, "latchkey-keys", token);
    await page.getByRole("table", { name: "API keys" }).waitFor();
    return page;
  }

  /** What has focus, through shadow roots: a button's accessible name or text, or a field's name. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      let active = (globalThis as unknown as InPage).document.activeElement as unknown as FocusedElement | null;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return active?.getAttribute("aria-label") ?? active?.getAttribute("name") ?? active?.textContent?.trim() ?? null;
    });
  const row = (page: Page, name: string) => page.getByRole("row").filter({ has: page.getByRole("rowheader", { name }) });
  const clipboard = (page: Page) => page.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText());

  it("creates a key after showing and accepting the API agreement, then shows every part of it once, each copied", async () => {
    const { owner, organization } = await hostOrganization("Agreement Dealer");
    const terms = "Keys are for Agreement Dealer's integrations only.";
    await graphqlData(
      latchkey,
      `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { userErrors { code } } }`,
      { input: { id: organization.id, settings: { agreementText: terms } } },
      owner.token,
    );
    // The host styles the element's dialog from outside, through its exported part.
    const page = await openKeys(organization.id, owner.token, "", "latchkey-keys::part(dialog) { border-color: rgb(0, 128, 0) }");
    await page.getByText("No keys yet.").waitFor();

    await page.getByRole("button", { name: "Create key" }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.getByRole("region", { name: "API agreement of Agreement Dealer" }).textContent()).toBe(terms);
    await dialog.getByRole("button", { name: "Accept the agreement" }).click();

    await dialog.getByRole("textbox", { name: "Name", exact: true }).fill("Billing sync");
    await dialog.getByRole("combobox", { name: "Kind" }).selectOption({ label: "Key pair" });
    await dialog.getByRole("checkbox", { name: "Create keys" }).check();
    await dialog.getByRole("textbox", { name: "Allowed addresses" }).fill("127.0.0.0/8\n10.0.0.0/8");
    const { organization: policy } = await graphqlData(
      latchkey,
      `query($id: ID!) { organization(id: $id) { settings { maxKeyLifetimeDays } } }`,
      { id: organization.id },
      owner.token,
    );
    await dialog.getByText(`Empty: the longest your organization allows, ${policy.settings.maxKeyLifetimeDays} days`).waitFor();
    // The date as the browser's calendar names it (Node and Chromium share the machine's time zone).
    const inTenDays = new Date(Date.now() + 10 * 24 * 3600_000);
    const chosen = [inTenDays.getFullYear(), inTenDays.getMonth() + 1, inTenDays.getDate()]
      .map((n) => String(n).padStart(2, "0"))
      .join("-");
    await dialog.getByLabel("Expires on").fill(chosen);
    await dialog.getByRole("textbox", { name: "Contact name" }).fill(CONTACT.name);
    await dialog.getByRole("textbox", { name: "Contact email" }).fill(CONTACT.email);
    await dialog.getByRole("textbox", { name: "Contact phone" }).fill(CONTACT.phone);
    await dialog.getByRole("button", { name: "Create key" }).click();

    await dialog.getByRole("heading", { name: "Created Billing sync" }).waitFor();
    const borderColour = (element: unknown) =>
      (globalThis as unknown as { getComputedStyle(element: unknown): { borderTopColor: string } }).getComputedStyle(element)
        .borderTopColor;
    expect(await dialog.evaluate(borderColour)).toBe("rgb(0, 128, 0)");
    const parts = await dialog.locator("code").allTextContents();
    expect(parts).toHaveLength(2);
    const [accessKey = "", secret = ""] = parts;
    await dialog.getByRole("button", { name: "Copy the access key id of Billing sync" }).click();
    await expect.poll(() => clipboard(page)).toBe(accessKey);
    await dialog.getByRole("button", { name: "Copy the secret key of Billing sync" }).click();
    await expect.poll(() => clipboard(page)).toBe(secret);
    const { verifyKey } = await graphqlData(latchkey, VERIFY, { accessKey, secret }, owner.token);
    expect(verifyKey).toEqual({ valid: true, code: "VALID" });

    // Shown once: after "Done", the secret is nowhere on the page, and the new row is in the table.
    await dialog.getByRole("button", { name: "Done, I stored it" }).click();
    await row(page, "Billing sync").waitFor();
    expect(await page.getByText(secret).count()).toBe(0);
    await expect.poll(() => heldByElements(page, secret), { message: "nor in any element's state" }).toBe(false);
    expect(await row(page, "Billing sync").getByRole("cell", { name: "Key pair" }).count()).toBe(1);

    const created = await auditLog(latchkey, owner.token, organization.id, { actions: ["AGREEMENT_ACCEPTED", "KEY_CREATED"] });
    expect(created.nodes.map((entry) => entry.action).sort()).toEqual(["AGREEMENT_ACCEPTED", "KEY_CREATED"]);
    const keyId = created.nodes.find((entry) => entry.action === "KEY_CREATED")?.targetId;
    const { node } = await graphqlData(latchkey, KEY, { id: keyId }, owner.token);
    expect(node).toMatchObject({ kind: "KEY_PAIR", publicId: accessKey, allowedCidrs: ["127.0.0.0/8", "10.0.0.0/8"], state: "ACTIVE" });
    expect(node.scopes).toContain("KEYS_CREATE");
    // The key works until the end of the chosen day.
    const expiresAt = new Date(node.expiresAt);
    expect([expiresAt.getDate(), expiresAt.getHours(), expiresAt.getMinutes()]).toEqual([inTenDays.getDate(), 23, 59]);
    await page.context().close();
  });

  it("reveals with a reason (audited), copies, rotates with a grace period and revokes, each beside the key's name", async () => {
    const { owner, organization, createKey } = await hostOrganization("Lifecycle Motors");
    await acceptAgreement(latchkey, owner.token, organization.id);
    const { secret, key } = await createKey({ name: "Payroll export" });
    const page = await openKeys(organization.id, owner.token);
    const dialog = page.getByRole("dialog");

    await page.getByRole("button", { name: "Reveal Payroll export" }).click();
    await dialog.getByRole("textbox", { name: "Why do you need the secret of Payroll export?" }).fill("Moving the payroll server");
    await dialog.getByRole("button", { name: "Reveal Payroll export" }).click();
    await expect.poll(() => dialog.locator("code").allTextContents()).toEqual([secret]);
    expect(await heldByElements(page, secret), "the probe finds the secret while it is shown").toBe(true);
    await dialog.getByRole("button", { name: "Close" }).click();
    // Closed, the secret is gone from the elements' state too, where any script of the host could read it.
    await expect.poll(() => heldByElements(page, secret)).toBe(false);

    await page.getByRole("button", { name: "Copy Payroll export" }).click();
    await dialog.getByRole("textbox", { name: "Why do you need the secret of Payroll export?" }).fill("Pasting into the payroll vault");
    await dialog.getByRole("button", { name: "Copy Payroll export" }).click();
    await dialog.getByText("Copied the secret of Payroll export to the clipboard.").waitFor();
    expect(await clipboard(page)).toBe(secret);
    await dialog.getByRole("button", { name: "Close" }).click();

    const reveals = await auditLog(latchkey, owner.token, organization.id, { actions: ["KEY_REVEALED"], targetId: key.id });
    expect(reveals.nodes.map((entry) => entry.reason).sort()).toEqual(["Moving the payroll server", "Pasting into the payroll vault"]);

    await page.getByRole("button", { name: "Rotate Payroll export" }).click();
    await dialog.getByRole("combobox", { name: "How long the old secret keeps working" }).selectOption({ label: "3 days" });
    await dialog.getByRole("button", { name: "Rotate Payroll export" }).click();
    await dialog.locator("code").waitFor();
    const rotated = (await dialog.locator("code").textContent()) ?? "";
    await dialog.getByText("The old secret keeps working for 3 days.", { exact: false }).waitFor();
    expect(rotated).not.toBe(secret);
    expect(await heldByElements(page, rotated)).toBe(true);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => heldByElements(page, rotated)).toBe(false);
    // Both secrets work during the grace period.
    for (const candidate of [secret, rotated]) {
      expect((await graphqlData(latchkey, VERIFY, { secret: candidate }, owner.token)).verifyKey.valid).toBe(true);
    }
    const [rotation] = (await auditLog(latchkey, owner.token, organization.id, { actions: ["KEY_ROTATED"], targetId: key.id })).nodes;
    const graceEnds = Date.parse(String(rotation?.metadata.previousSecretValidUntil));
    expect(Math.abs(graceEnds - (Date.now() + 72 * 3600_000))).toBeLessThan(10 * 60_000);

    await page.getByRole("button", { name: "Revoke Payroll export" }).click();
    await dialog.getByRole("textbox", { name: "Why revoke Payroll export?" }).fill("Printed in a support ticket");
    await dialog.getByRole("button", { name: "Revoke Payroll export" }).click();
    await row(page, "Payroll export").getByText("Revoked").waitFor();
    expect(await row(page, "Payroll export").getByRole("button").count()).toBe(0);
    const { node } = await graphqlData(latchkey, KEY, { id: key.id }, owner.token);
    expect(node).toMatchObject({ state: "REVOKED", revokedReason: "Printed in a support ticket" });
    await page.context().close();
  });

  it("shows a refusal beside its field and changes nothing: a revoke without a reason is not sent", async () => {
    const { owner, organization, createKey } = await hostOrganization("Refusal Motors");
    await acceptAgreement(latchkey, owner.token, organization.id);
    const { key } = await createKey({ name: "Kept key" });
    const page = await openKeys(organization.id, owner.token);
    const dialog = page.getByRole("dialog");
    await page.getByRole("button", { name: "Revoke Kept key" }).click();
    await dialog.getByRole("button", { name: "Revoke Kept key" }).click();
    await dialog.getByText("Say why, in a few words: it is kept in the audit log.").waitFor();
    expect(await dialog.getByRole("textbox", { name: "Why revoke Kept key?" }).getAttribute("aria-invalid")).toBe("true");
    expect((await graphqlData(latchkey, KEY, { id: key.id }, owner.token)).node.state).toBe("ACTIVE");

    // A malformed allowlist is refused by the server, and said next to the field.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Create key" }).click();
    await dialog.getByRole("textbox", { name: "Name", exact: true }).fill("Bad addresses");
    await dialog.getByRole("textbox", { name: "Allowed addresses" }).fill("not-an-address");
    await dialog.getByRole("checkbox", { name: /Personal key/ }).check();
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => dialog.getByRole("textbox", { name: "Allowed addresses" }).getAttribute("aria-invalid")).toBe("true");
    const { organization: after } = await graphqlData(
      latchkey,
      `query($id: ID!) { organization(id: $id) { keys { totalCount } } }`,
      { id: organization.id },
      owner.token,
    );
    expect(after.keys.totalCount).toBe(1);
    await page.context().close();
  });

  it("keeps a second browser's table live: a key revoked in the first, and a new key, appear there without a reload", async () => {
    const { owner, organization, createKey } = await hostOrganization("Live Motors");
    await acceptAgreement(latchkey, owner.token, organization.id);
    await createKey({ name: "Shared dealer feed" });
    const before = await metricValue(latchkey, SUBSCRIPTIONS_OPENED);
    const first = await openKeys(organization.id, owner.token);
    const second = await openKeys(organization.id, owner.token);
    await eventually(async () => expect(await metricValue(latchkey, SUBSCRIPTIONS_OPENED)).toBeGreaterThanOrEqual(before + 2));
    let reloaded = false;
    second.on("framenavigated", () => {
      reloaded = true;
    });

    await first.getByRole("button", { name: "Revoke Shared dealer feed" }).click();
    await first.getByRole("textbox", { name: "Why revoke Shared dealer feed?" }).fill("Dealer left the group");
    await first.getByRole("dialog").getByRole("button", { name: "Revoke Shared dealer feed" }).click();
    await row(second, "Shared dealer feed").getByText("Revoked").waitFor();

    await createKey({ name: "Made elsewhere" });
    await row(second, "Made elsewhere").waitFor();
    // A burst of new keys (read together, in batches): every one appears.
    const burst = ["Burst one", "Burst two", "Burst three", "Burst four", "Burst five"];
    await Promise.all(burst.map((name) => createKey({ name })));
    for (const name of burst) await row(second, name).waitFor();
    expect(await second.getByRole("rowheader").count()).toBe(2 + burst.length);
    expect(reloaded).toBe(false);
    await Promise.all([first.context().close(), second.context().close()]);
  });

  it("offers a Viewer nothing it may not do, and a read-only auditor the keys without any action", async () => {
    const { owner, organization, createKey } = await hostOrganization("Viewer Motors");
    await acceptAgreement(latchkey, owner.token, organization.id);
    await createKey({ name: "Viewed key" });
    const addMember = async (email: string, roleId: string) => {
      const { addMember } = await graphqlData(
        latchkey,
        `mutation($input: AddMemberInput!) { addMember(input: $input) { userErrors { code } } }`,
        { input: { organizationId: organization.id, email, roleId } },
        owner.token,
      );
      expect(addMember.userErrors).toEqual([]);
    };
    const viewer = await hostUser("Vera Viewer");
    await addMember(viewer.email, organization.roles.Viewer);
    const { createRole } = await graphqlData(
      latchkey,
      `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } userErrors { code } } }`,
      { input: { organizationId: organization.id, name: "Key auditor", permissions: ["ORG_READ", "KEYS_READ_ALL"] } },
      owner.token,
    );
    const auditor = await hostUser("Audrey Auditor");
    await addMember(auditor.email, createRole.role.id);

    for (const person of [viewer, auditor]) {
      const page = await openKeys(organization.id, person.token);
      if (person === auditor) await row(page, "Viewed key").waitFor();
      else await page.getByText("No keys yet.").waitFor();
      const offered = await page.getByRole("button", { name: /^(Create key|Reveal|Copy|Rotate|Disable|Enable|Approve|Revoke)\b/ }).count();
      expect(offered).toBe(0);
      expect(await page.getByRole("columnheader", { name: "Actions" }).count()).toBe(0);
      await page.context().close();
    }
  });

  it("shows one location's keys and creates new ones there; approves a pending key, then disables and enables it", async () => {
    const { owner, organization, createKey } = await hostOrganization("Branch Motors");
    await acceptAgreement(latchkey, owner.token, organization.id);
    const { createLocation } = await graphqlData(
      latchkey,
      `mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { id } userErrors { code } } }`,
      { input: { organizationId: organization.id, name: "North branch" } },
      owner.token,
    );
    const locationId: string = createLocation.location.id;
    await graphqlData(
      latchkey,
      `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { userErrors { code } } }`,
      { input: { id: organization.id, settings: { requireKeyApproval: true, apiAccessForNonAdmins: true } } },
      owner.token,
    );
    const developer = await hostUser("Dev Branch");
    await graphqlData(
      latchkey,
      `mutation($input: AddMemberInput!) { addMember(input: $input) { userErrors { code } } }`,
      { input: { organizationId: organization.id, email: developer.email, roleId: organization.roles.Developer } },
      owner.token,
    );
    await acceptAgreement(latchkey, developer.token, organization.id);
    const { createKey: pending } = await graphqlData(
      latchkey,
      CREATE_KEY,
      { input: { organizationId: organization.id, locationId, name: "Branch till", kind: "SECRET", contact: CONTACT } },
      developer.token,
    );
    expect(pending.userErrors).toEqual([]);
    expect(pending.key.state).toBe("PENDING");
    await createKey({ name: "Head office feed" });

    const page = await openKeys(organization.id, owner.token, `location="${locationId}"`);
    const till = row(page, "Branch till");
    await till.getByText("Awaiting approval").waitFor();
    expect(await row(page, "Head office feed").count()).toBe(0);
    await page.getByRole("button", { name: "Approve Branch till" }).click();
    await till.getByText("Active").waitFor();
    await page.getByRole("button", { name: "Disable Branch till" }).click();
    await till.getByText("Disabled").waitFor();
    await page.getByRole("button", { name: "Enable Branch till" }).click();
    await till.getByText("Active").waitFor();
    const audited = await auditLog(latchkey, owner.token, organization.id, { targetId: pending.key.id });
    expect(audited.nodes.map((entry) => entry.action)).toEqual(expect.arrayContaining(["KEY_APPROVED", "KEY_DISABLED", "KEY_ENABLED"]));

    await page.getByRole("button", { name: "Create key" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Name", exact: true }).fill("Branch printer");
    expect(await dialog.getByRole("combobox", { name: "Where it works" }).count()).toBe(0);
    await dialog.getByRole("checkbox", { name: /Personal key/ }).check();
    await dialog.getByRole("button", { name: "Create key" }).click();
    await dialog.getByRole("heading", { name: "Created Branch printer" }).waitFor();
    await dialog.getByRole("button", { name: "Done, I stored it" }).click();
    await row(page, "Branch printer").getByRole("cell", { name: "North branch" }).waitFor();
    const { organization: located } = await graphqlData(
      latchkey,
      `query($id: ID!, $locationId: ID) { organization(id: $id) { keys(locationId: $locationId) { nodes { name } } } }`,
      { id: organization.id, locationId },
      owner.token,
    );
    expect(located.keys.nodes.map((key: { name: string }) => key.name).sort()).toEqual(["Branch printer", "Branch till"]);
    await page.context().close();
  });

  it("sorts by a column and searches by name on the server; axe finds nothing serious, light or dark, table or dialog", async () => {
    const { owner, organization, createKey } = await hostOrganization("Sorted Motors");
    await acceptAgreement(latchkey, owner.token, organization.id);
    const soon = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    for (const name of ["Charlie feed", "Alpha feed", "Bravo export"])
      await createKey({ name, ...(name === "Alpha feed" ? { expiresAt: soon } : {}) });
    const page = await openKeys(organization.id, owner.token);
    await row(page, "Bravo export").waitFor();
    expect(await row(page, "Alpha feed").getByText("expires in 3 days").count()).toBe(1);
    // Within the organisation's warning period (30 days by default): marked in words, the others not.
    expect(await row(page, "Alpha feed").getByText("Expires soon").count()).toBe(1);
    expect(await row(page, "Bravo export").getByText(/soon/).count()).toBe(0);

    // Each row header shows the name, then the masked secret on its own line.
    const names = async () => (await page.getByRole("rowheader").allInnerTexts()).map((text) => text.split("\n")[0]);
    await page.getByRole("button", { name: "Name" }).click();
    expect(await page.getByRole("columnheader", { name: "Name" }).getAttribute("aria-sort")).toBe("ascending");
    expect(await names()).toEqual(["Alpha feed", "Bravo export", "Charlie feed"]);
    await page.getByRole("button", { name: "Name" }).click();
    expect(await page.getByRole("columnheader", { name: "Name" }).getAttribute("aria-sort")).toBe("descending");

    await page.getByRole("searchbox", { name: "Search keys" }).fill("feed");
    await expect.poll(async () => (await names()).length).toBe(2);
    await page.getByRole("searchbox", { name: "Search keys" }).fill("nothing like it");
    await page.getByText("No keys match “nothing like it”.").waitFor();
    await page.getByRole("searchbox", { name: "Search keys" }).fill("");
    await row(page, "Bravo export").waitFor();

    const serious = async (scheme: "light" | "dark") =>
      describeViolations(
        (await axeViolations(page, scheme)).filter((violation) => ["serious", "critical"].includes(violation.impact ?? "")),
      );
    expect(await serious("light")).toEqual([]);
    expect(await serious("dark")).toEqual([]);
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByRole("dialog").getByRole("textbox", { name: "Name", exact: true }).waitFor();
    expect(await serious("light")).toEqual([]);
    expect(await serious("dark")).toEqual([]);

    // The keyboard alone: Escape closes the dialog and gives focus back; Enter opens it with focus on its first field.
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    await expect.poll(() => focused(page)).toBe("Create key");
    await page.keyboard.press("Enter");
    await expect.poll(() => focused(page)).toBe("name");
    await page.keyboard.press("Escape");
    const path: Array<string | null> = [];
    while (path.at(-1) !== "Revoke Charlie feed" && path.length < 20) {
      await page.keyboard.press("Tab");
      path.push(await focused(page));
    }
    // Past the six sortable headers (Name sorted descending), then the first row's actions in order (descending by name: Charlie feed first).
    expect(path).toEqual([
      "Name ▼",
      "Kind",
      "Location",
      "State",
      "Expires",
      "Last used",
      ...["Reveal", "Copy", "Rotate", "Disable", "Revoke"].map((action) => `${action} Charlie feed`),
    ]);
    await page.keyboard.press("Enter");
    await expect.poll(() => focused(page)).toBe("reason");
    await page.context().close();
  });
});
