import { html, nothing } from "lit";
import type { UserError } from "../core/failure";
import { failureLine, refusalAbout } from "../core/mutation-result";
import type { CatalogueEntry, OrganizationRole } from "./role-types";

/** What the open dialog is about: a new role, a custom role to edit, or one to delete. */
export type RoleDialog = { kind: "create" } | { kind: "edit"; role: OrganizationRole } | { kind: "delete"; role: OrganizationRole };

export interface RoleDialogContext {
  organizationName: string;
  /** The catalogue entries the viewer holds: nobody grants what they do not hold. */
  grantable: readonly CatalogueEntry[];
  refusals: readonly UserError[];
  busy: boolean;
  submit: (event: SubmitEvent) => void;
  cancel: () => void;
}

const FIELDS = ["name", "description", "permissions"];

/** Seeing the organisation comes with every role (the server adds it), so it is shown chosen and fixed. */
const always = (entry: CatalogueEntry) => entry.permission === "ORG_READ";

function actions(context: RoleDialogContext, label: string, danger = false) {
  return html`
    ${failureLine("dialog-failure", refusalAbout(context.refusals, null, FIELDS))}
    <div class="actions">
      <button type="button" part="button" @click=${context.cancel}>Cancel</button>
      <button type="submit" part="button" class=${danger ? "danger" : "primary"} ?disabled=${context.busy}>${label}</button>
    </div>
  `;
}

function permissionChoices(context: RoleDialogContext, chosen: ReadonlySet<string>) {
  const refusal = refusalAbout(context.refusals, "permissions");
  return html`
    <fieldset part="permissions" aria-describedby=${refusal ? "permissions-failure" : "permissions-hint"}>
      <legend>Permissions</legend>
      <p class="muted" id="permissions-hint">You can grant only permissions you hold.</p>
      ${context.grantable.map(
        (entry) => html`<label class="choice">
          <input type="checkbox" name="permissions" value=${entry.permission}
            ?checked=${always(entry) || chosen.has(entry.permission)} ?disabled=${always(entry)} />
          <span><code>${entry.value}</code> ${entry.description}${always(entry) ? " Every role includes it." : ""}</span>
        </label>`,
      )}
    </fieldset>
    ${failureLine("permissions-failure", refusal)}
  `;
}

function textField(context: RoleDialogContext, field: "name" | "description", label: string, value: string, required: boolean) {
  const refusal = refusalAbout(context.refusals, field);
  return html`
    <label>${label}
      <input name=${field} .value=${value} ?required=${required} maxlength=${field === "description" ? 500 : nothing} autocomplete="off"
        aria-invalid=${refusal ? "true" : nothing} aria-describedby=${refusal ? `${field}-failure` : nothing} />
    </label>
    ${failureLine(`${field}-failure`, refusal)}
  `;
}

function roleForm(context: RoleDialogContext, role: OrganizationRole | null) {
  return html`
    <h2 id="dialog-title">${role ? `Edit the role ${role.name}` : `Create a role in ${context.organizationName}`}</h2>
    ${role?.holderCount ? html`<p class="muted">${holders(role.holderCount)} hold this role; their permissions change at once.</p>` : nothing}
    ${textField(context, "name", "Name", role?.name ?? "", true)}
    ${textField(context, "description", "Description (optional)", role?.description ?? "", false)}
    ${permissionChoices(context, new Set(role?.permissions ?? []))}
    ${actions(context, role ? `Save ${role.name}` : "Create role")}
  `;
}

function deleteRole(context: RoleDialogContext, role: OrganizationRole) {
  return html`
    <h2 id="dialog-title">Delete the role ${role.name}?</h2>
    <p>The role is removed from ${context.organizationName}. This cannot be undone.</p>
    ${actions(context, `Delete ${role.name}`, true)}
  `;
}

/** "1 member", "3 members". */
export function holders(count: number): string {
  return `${count} member${count === 1 ? "" : "s"}`;
}

/** The open dialog's form. */
export function roleDialogForm(dialog: RoleDialog, context: RoleDialogContext) {
  const body = dialog.kind === "delete" ? deleteRole(context, dialog.role) : roleForm(context, dialog.kind === "edit" ? dialog.role : null);
  return html`<form method="dialog" @submit=${context.submit}>${body}</form>`;
}
