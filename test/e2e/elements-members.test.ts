import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../support/audit";
import { axeViolations, describeViolations } from "../support/axe";
import { chromiumAvailability } from "../support/chromium";
import { type ElementsHost, type ElementsWorld, giveCredential, startElementsWorld } from "../support/elements-host";
import { createOrganization, graphqlData, signUp } from "../support/graphql-client";
import { keyTeam } from "../support/keys";
import type { TestIdentityProvider } from "../support/oidc-provider";
import type { TestServer } from "../support/server";

const { run } = chromiumAvailability();

const MEMBERS = `query($id: ID!) { organization(id: $id) { members(first: 100) { nodes { user { email } role { name } } } } }`;
const ROLES = `query($id: ID!) { organization(id: $id) { roles(first: 100) { nodes { id name permissions } } } }`;
const DELETE_ROLE = `mutation($input: DeleteRoleInput!) { deleteRole(input: $input) { deletedRoleId userErrors { code message } } }`;

describe.runIf(run)("<latchkey-members> and <latchkey-roles> on a host page on another origin, in Chromium", () => {
  let host: ElementsHost;
  let provider: TestIdentityProvider;
  let latchkey: TestServer;
  let browser: Browser;

  let world: ElementsWorld;

  beforeAll(async () => {
    world = await startElementsWorld();
    ({ host, provider, latchkey, browser } = world);
  });
  afterAll(() => world?.stop());

  async function open(path: string, organizationId: string, token: string): Promise<Page> {
    const body = `<latchkey-members organization="${organizationId}"></latchkey-members>
      <latchkey-roles organization="${organizationId}"></latchkey-roles>`;
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(host.page(path, latchkey.url, body));
    await giveCredential(page, "latchkey-members", token);
    await giveCredential(page, "latchkey-roles", token);
    await page.getByRole("heading", { name: /^Roles of / }).waitFor();
    await page.getByRole("heading", { name: /^Members of / }).waitFor();
    return page;
  }

  /** The table row headed by `name` (a role's header goes on with "(built-in)" and its description). */
  const rowOf = (page: Page, name: string): Locator =>
    page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${name.replace(/[()]/g, "\\$&")}(\\s|$)`) }) });
  const membersOf = async (token: string, organizationId: string) =>
    (await graphqlData(latchkey, MEMBERS, { id: organizationId }, token)).organization.members.nodes as Array<{
      user: { email: string };
      role: { name: string };
    }>;

  it("lets an Owner signed in at their identity provider add a member by email, change their role and remove them, and says why the last Owner cannot leave", async () => {
    const email = `idp.owner.${process.pid}@example.test`;
    const token = await provider.accessToken("idp-owner", { email, email_verified: true, name: "Ida Owner" });
    const organization = await createOrganization(latchkey, token, "Federated Members Motors");
    const mona = await signUp(latchkey, "Mona Member");
    const page = await open("/members-idp", organization.id, token);
    const dialog = page.getByRole("dialog");

    await page.getByRole("button", { name: "Add member", exact: true }).click();
    await dialog.getByLabel("Email").fill(`nobody.${process.pid}@example.test`);
    await dialog.getByLabel("Role").selectOption({ label: "Developer" });
    await dialog.getByRole("button", { name: "Add member" }).click();
    await expect
      .poll(() => dialog.getByRole("alert").textContent())
      .toBe("No Latchkey account uses this email; ask them to sign up first.");
    expect(await dialog.getByLabel("Email").getAttribute("aria-describedby")).toBe("email-failure");
    expect(await membersOf(token, organization.id)).toHaveLength(1);

    await dialog.getByLabel("Email").fill(mona.email);
    await dialog.getByRole("button", { name: "Add member" }).click();
    await expect.poll(() => rowOf(page, "Mona Member").getByRole("cell").nth(1).textContent()).toBe("Developer");
    expect(await page.getByRole("status").first().textContent()).toBe(`${mona.email} was added.`);

    await rowOf(page, "Mona Member").getByRole("button", { name: "Change role of Mona Member" }).click();
    await dialog.getByLabel("Role of Mona Member").selectOption({ label: "Viewer" });
    await dialog.getByRole("button", { name: "Change role" }).click();
    await expect.poll(() => rowOf(page, "Mona Member").getByRole("cell").nth(1).textContent()).toBe("Viewer");
    expect((await membersOf(token, organization.id)).find((member) => member.user.email === mona.email)?.role.name).toBe("Viewer");

    await rowOf(page, "Mona Member").getByRole("button", { name: "Remove Mona Member" }).click();
    expect(await dialog.getByRole("heading").textContent()).toBe("Remove Mona Member from Federated Members Motors?");
    await dialog.getByRole("button", { name: "Remove Mona Member" }).click();
    await expect.poll(() => rowOf(page, "Mona Member").count()).toBe(0);
    expect((await membersOf(token, organization.id)).map((member) => member.user.email)).toEqual([email]);

    await rowOf(page, "Ida Owner").getByRole("button", { name: "Leave Federated Members Motors" }).click();
    await dialog.getByRole("button", { name: "Leave Federated Members Motors" }).click();
    await expect
      .poll(() => dialog.getByRole("alert").textContent())
      .toBe("This is the organization's last Owner; appoint another Owner first.");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await membersOf(token, organization.id)).toHaveLength(1);

    const actions = (await auditLog(latchkey, token, organization.id)).nodes.map((entry) => `${entry.action} by ${entry.actor?.email}`);
    expect(actions).toEqual(
      expect.arrayContaining([`MEMBER_ADDED by ${email}`, `MEMBER_ROLE_CHANGED by ${email}`, `MEMBER_REMOVED by ${email}`]),
    );
    await page.close();
  });

  it("creates a custom role from the permission catalogue, assigns it, and refuses deleting it while a member holds it", async () => {
    const team = await keyTeam(latchkey, "Custom Role Motors");
    await team.addMember("Rita Reader", "Viewer");
    const page = await open("/roles", team.organization.id, team.owner.token);
    const dialog = page.getByRole("dialog");

    expect(await rowOf(page, "Owner (built-in)").getByRole("button").count()).toBe(0);
    await page.getByRole("button", { name: "Create role" }).click();
    await dialog.getByLabel("Name", { exact: true }).fill("Billing auditor");
    await dialog.getByRole("checkbox", { name: /audit:read/ }).check();
    await dialog.getByRole("checkbox", { name: /keys:read:all/ }).check();
    await expect.poll(() => dialog.getByText("See every member's API keys, masked.").count()).toBe(1);
    await dialog.getByRole("button", { name: "Create role" }).click();
    const auditorRow = rowOf(page, "Billing auditor");
    await expect.poll(() => auditorRow.getByRole("listitem").allTextContents()).toEqual(["org:read", "keys:read:all", "audit:read"]);
    const roles = (await graphqlData(latchkey, ROLES, { id: team.organization.id }, team.owner.token)).organization.roles.nodes as Array<{
      id: string;
      name: string;
      permissions: string[];
    }>;
    const auditor = roles.find((role) => role.name === "Billing auditor");
    expect(auditor?.permissions.sort()).toEqual(["AUDIT_READ", "KEYS_READ_ALL", "ORG_READ"]);

    await auditorRow.getByRole("button", { name: "Edit Billing auditor" }).click();
    expect(await dialog.getByRole("checkbox", { name: /org:read/ }).isDisabled()).toBe(true);
    await dialog.getByRole("checkbox", { name: /keys:read:all/ }).uncheck();
    await dialog.getByLabel("Description (optional)").fill("Reads the audit log for billing disputes");
    await dialog.getByRole("button", { name: "Save Billing auditor" }).click();
    await expect.poll(() => auditorRow.getByRole("listitem").allTextContents()).toEqual(["org:read", "audit:read"]);
    expect(await auditorRow.getByRole("rowheader").textContent()).toContain("Reads the audit log for billing disputes");

    await rowOf(page, "Rita Reader").getByRole("button", { name: "Change role of Rita Reader" }).click();
    await dialog.getByLabel("Role of Rita Reader").selectOption({ label: "Billing auditor" });
    await dialog.getByRole("button", { name: "Change role" }).click();
    // The roles element hears the members element's change and shows the role in use, without Delete.
    await expect
      .poll(() => auditorRow.textContent())
      .toContain("In use by 1 member: give them another role before deleting Billing auditor.");
    expect(await auditorRow.getByRole("button", { name: "Delete Billing auditor" }).count()).toBe(0);
    const refused = await graphqlData(latchkey, DELETE_ROLE, { input: { id: auditor?.id } }, team.owner.token);
    expect(refused.deleteRole.userErrors).toEqual([
      { code: "ROLE_IN_USE", message: "1 member(s) hold this role; give them another role first." },
    ]);

    await rowOf(page, "Rita Reader").getByRole("button", { name: "Change role of Rita Reader" }).click();
    await dialog.getByLabel("Role of Rita Reader").selectOption({ label: "Viewer" });
    await dialog.getByRole("button", { name: "Change role" }).click();
    await auditorRow.getByRole("button", { name: "Delete Billing auditor" }).click();
    await dialog.getByRole("button", { name: "Delete Billing auditor" }).click();
    await expect.poll(() => auditorRow.count()).toBe(0);
    const actions = (await auditLog(latchkey, team.owner.token, team.organization.id)).nodes.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(["ROLE_CREATED", "ROLE_DELETED"]));
    await page.close();
  });

  it("offers a Viewer nothing but leaving, and an Admin no action on the Owner", async () => {
    const team = await keyTeam(latchkey, "Read Only Motors");
    const viewer = await team.addMember("Vera Viewer", "Viewer");
    const admin = await team.addMember("Adam Admin", "Admin");
    const viewerPage = await open("/viewer", team.organization.id, viewer.token);
    await rowOf(viewerPage, "Adam Admin").waitFor();
    await rowOf(viewerPage, "Developer (built-in)").waitFor();
    expect(await viewerPage.getByRole("button").allTextContents()).toEqual(["Leave Read Only Motors"]);
    expect(await rowOf(viewerPage, "Vera Viewer").getByRole("button").allTextContents()).toEqual(["Leave Read Only Motors"]);
    await viewerPage.close();

    const adminPage = await open("/admin", team.organization.id, admin.token);
    const ownerName = "Read Only Motors Owner";
    await rowOf(adminPage, ownerName).waitFor();
    expect(await rowOf(adminPage, ownerName).getByRole("button").count()).toBe(0);
    expect(await rowOf(adminPage, "Vera Viewer").getByRole("button").allTextContents()).toEqual([
      "Change role of Vera Viewer",
      "Remove Vera Viewer",
    ]);
    expect(await adminPage.getByRole("button", { name: "Create role" }).count()).toBe(1);
    await adminPage.close();
  });

  it("works from the keyboard alone: a dialog takes focus, Enter submits, Escape closes and gives focus back", async () => {
    const team = await keyTeam(latchkey, "Keyboard Motors");
    const kim = await signUp(latchkey, "Kim Keys");
    const page = await open("/keyboard", team.organization.id, team.owner.token);
    const isFocused = (locator: Locator) =>
      locator.evaluate((element) => element === (element.getRootNode() as unknown as { activeElement: unknown }).activeElement);
    const addButton = page.getByRole("button", { name: "Add member", exact: true });
    await addButton.focus();
    await page.keyboard.press("Enter");
    const email = page.getByRole("dialog").getByLabel("Email");
    await expect.poll(() => isFocused(email)).toBe(true);
    await page.keyboard.type(kim.email);
    await page.keyboard.press("Enter");
    await expect.poll(() => rowOf(page, "Kim Keys").getByRole("cell").nth(1).textContent()).toBe("Viewer");
    expect(await page.getByRole("dialog").count()).toBe(0);

    const change = rowOf(page, "Kim Keys").getByRole("button", { name: "Change role of Kim Keys" });
    await change.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => isFocused(page.getByRole("dialog").getByLabel("Role of Kim Keys"))).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    await expect.poll(() => isFocused(change)).toBe(true);
    await page.close();
  });

  it("has no serious or critical axe violations, light and dark, in the tables and the role dialog", async () => {
    const team = await keyTeam(latchkey, "Accessible Members Motors");
    await team.addMember("Alma Access", "Developer");
    const page = await open("/axe", team.organization.id, team.owner.token);
    await rowOf(page, "Alma Access").waitFor();
    const serious = async () => {
      const found: string[] = [];
      for (const scheme of ["light", "dark"] as const) {
        const violations = (await axeViolations(page, scheme)).filter((violation) =>
          ["serious", "critical"].includes(violation.impact ?? ""),
        );
        found.push(...describeViolations(violations).map((line) => `${scheme}: ${line}`));
      }
      return found;
    };
    expect(await serious()).toEqual([]);
    await page.getByRole("button", { name: "Create role" }).click();
    await page.getByRole("dialog").getByLabel("Name", { exact: true }).waitFor();
    expect(await serious()).toEqual([]);
    await page.keyboard.press("Escape");
    await rowOf(page, "Alma Access").getByRole("button", { name: "Change role of Alma Access" }).click();
    await page.getByRole("dialog").getByLabel("Role of Alma Access").waitFor();
    expect(await serious()).toEqual([]);
    await page.close();
  });
});
