import { html, type TemplateResult } from "lit";
import type { ResultOf } from "../graphql/tada";
import type { ConsoleViewer } from "./operations";

/** An organisation the viewer belongs to, with what they may do there. */
export type Organization = NonNullable<ResultOf<typeof ConsoleViewer>["viewer"]["memberships"][number]["organization"]>;

/** One page of the console: an element, offered only to viewers who may use it (the same answers the mutations apply). */
export interface ConsolePage {
  path: string;
  label: string;
  offered(organization: Organization): boolean;
  render(organizationId: string, token: string): TemplateResult;
}

/**
 * The elements are defined by this bundle, or by other parts of it as they are added: a tag not yet
 * defined stays in the page and upgrades when its definition arrives, keeping `organization` and `token`.
 */
export const CONSOLE_PAGES: readonly ConsolePage[] = [
  {
    path: "/keys",
    label: "API keys",
    offered: () => true,
    render: (id, token) => html`<latchkey-keys organization=${id} .token=${token}></latchkey-keys>`,
  },
  {
    path: "/webhooks",
    label: "Webhooks",
    offered: (organization) => organization.viewerCan.manageWebhooks,
    render: (id, token) => html`<latchkey-webhooks organization=${id} .token=${token}></latchkey-webhooks>`,
  },
  {
    path: "/members",
    label: "Members",
    offered: (organization) => organization.viewerCan.manageMembers,
    render: (id, token) => html`<latchkey-members organization=${id} .token=${token}></latchkey-members>`,
  },
  {
    path: "/roles",
    label: "Roles",
    offered: (organization) => organization.viewerCan.manageRoles,
    render: (id, token) => html`<latchkey-roles organization=${id} .token=${token}></latchkey-roles>`,
  },
  {
    path: "/audit",
    label: "Audit log",
    offered: (organization) => organization.viewerCan.readAuditLog,
    render: (id, token) => html`<latchkey-audit-log organization=${id} .token=${token}></latchkey-audit-log>`,
  },
  {
    path: "/settings",
    label: "Settings",
    offered: (organization) => organization.viewerCan.manageSettings,
    render: (id, token) => html`<latchkey-organization-settings organization=${id} .token=${token}></latchkey-organization-settings>`,
  },
];

/** The page at `path` if this organisation offers it to the viewer, else the first (keys, offered to every member). */
export function pageFor(path: string, organization: Organization): ConsolePage {
  const offered = CONSOLE_PAGES.filter((page) => page.offered(organization));
  return offered.find((page) => page.path === path) ?? (offered[0] as ConsolePage);
}
