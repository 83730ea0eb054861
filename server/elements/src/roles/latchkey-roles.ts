import { css, html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { DialogController } from "../core/dialog-controller";
import { LatchkeyElement } from "../core/latchkey-element";
import { PageEventsController } from "../core/page-events";
import { CreateRole, DeleteRole, OrganizationRoles, UpdateRole } from "./operations";
import { holders, type RoleDialog, roleDialogForm } from "./role-dialogs";
import type { CatalogueEntry, OrganizationRole, RolesOrganization } from "./role-types";

/** An organisation's built-in and custom roles with their permissions; custom roles are made from the permission catalogue. */
@customElement("latchkey-roles")
export class LatchkeyRoles extends LatchkeyElement {
  static override styles = [
    ...LatchkeyElement.styles,
    css`
      fieldset { border: 1px solid var(--_border); border-radius: var(--_radius); margin: 0 0 0.75rem; }
      label.choice { display: flex; gap: 0.5rem; align-items: flex-start; margin-bottom: 0.4rem; }
      label.choice input { min-height: 24px; min-width: 24px; margin: 0; }
      .row-actions { justify-content: flex-start; }
      ul.permissions { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; list-style: none; margin: 0; padding: 0; }
      ul.permissions code { white-space: nowrap; word-break: normal; }
      th .muted { font-weight: normal; }
    `,
  ];

  @state() private organizationData: RolesOrganization | null = null;
  @state() private catalogue: readonly CatalogueEntry[] = [];
  @state() private notice = "";
  private readonly dialog = new DialogController<RoleDialog>(this);

  constructor() {
    super();
    // A member change elsewhere on the page (say in `<latchkey-members>`) changes who holds which role.
    new PageEventsController(
      this,
      ["latchkey-member-added", "latchkey-member-role-changed", "latchkey-member-removed"],
      () => void this.reload(),
    );
  }

  protected override async load(): Promise<void> {
    const { permissionCatalogue, organization } = await this.client.request(OrganizationRoles, {
      organizationId: await this.organizationId(),
    });
    this.catalogue = permissionCatalogue;
    this.organizationData = organization;
  }

  private open(dialog: RoleDialog): void {
    this.notice = "";
    this.dialog.open(dialog);
  }

  private readonly submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const dialog = this.dialog.current;
    const organization = this.organizationData;
    if (!dialog || !organization) return;
    const form = new FormData(event.target as HTMLFormElement);
    const name = String(form.get("name") ?? "").trim();
    const description = String(form.get("description") ?? "").trim() || null;
    const permissions = form.getAll("permissions").map(String) as OrganizationRole["permissions"];
    const changed = await this.dialog.run(async () => {
      if (dialog.kind === "create") {
        const input = { organizationId: organization.id, name, description, permissions };
        return (await this.client.request(CreateRole, { input })).createRole;
      }
      if (dialog.kind === "edit") {
        return (await this.client.request(UpdateRole, { input: { id: dialog.role.id, name, description, permissions } })).updateRole;
      }
      return (await this.client.request(DeleteRole, { input: { id: dialog.role.id } })).deleteRole;
    });
    if (!changed) return;
    const subject = dialog.kind === "create" ? name : dialog.role.name;
    const verb = dialog.kind === "create" ? "created" : dialog.kind === "edit" ? "updated" : "deleted";
    this.notice = `The role ${subject} was ${verb}.`;
    this.announce(`role-${verb}`, { organizationId: organization.id });
    await this.reload();
  };

  private row(role: OrganizationRole, manage: boolean) {
    const values = new Map(this.catalogue.map((entry) => [entry.permission, entry]));
    return html`<tr part="row">
      <th scope="row">${role.name}${role.builtIn ? html` <span class="muted">(built-in)</span>` : nothing}
        ${role.description ? html`<div class="muted">${role.description}</div>` : nothing}</th>
      <td><ul class="permissions">${role.permissions.map((permission) => {
        const entry = values.get(permission);
        return html`<li><code title=${entry?.description ?? nothing}>${entry?.value ?? permission}</code></li>`;
      })}</ul></td>
      <td>${holders(role.holderCount)}</td>
      <td>
        <div class="actions row-actions">
          ${role.viewerCan.update ? html`<button part="button" @click=${() => this.open({ kind: "edit", role })}>Edit ${role.name}</button>` : nothing}
          ${role.viewerCan.delete ? html`<button part="button" class="danger" @click=${() => this.open({ kind: "delete", role })}>Delete ${role.name}</button>` : nothing}
        </div>
        ${role.builtIn ? html`<span class="muted">Built-in roles cannot be changed.</span>` : nothing}
        ${
          manage && !role.builtIn && role.holderCount > 0
            ? html`<span class="muted">In use by ${holders(role.holderCount)}: give them another role before deleting ${role.name}.</span>`
            : nothing
        }
      </td>
    </tr>`;
  }

  override render() {
    const organization = this.organizationData;
    const manage = !!organization?.viewerCan.manageRoles;
    const held = new Set(organization?.viewerPermissions ?? []);
    return html`
      ${this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : nothing}
      <div class="toolbar">
        <h2>Roles${organization ? ` of ${organization.name}` : ""}</h2>
        ${manage ? html`<button part="button" class="primary" @click=${() => this.open({ kind: "create" })}>Create role</button>` : nothing}
      </div>
      <p class="notice" role="status" part="notice">${this.notice}</p>
      <table part="table">
        <caption class="visually-hidden">Roles${organization ? ` of ${organization.name}` : ""}</caption>
        <thead><tr><th scope="col">Role</th><th scope="col">Permissions</th><th scope="col">Held by</th><th scope="col">Actions</th></tr></thead>
        <tbody>${(organization?.roles.nodes ?? []).map((role) => this.row(role, manage))}</tbody>
      </table>
      <dialog part="dialog" aria-labelledby="dialog-title" @close=${this.dialog.closed}>
        ${
          this.dialog.current && organization
            ? roleDialogForm(this.dialog.current, {
                organizationName: organization.name,
                grantable: this.catalogue.filter((entry) => held.has(entry.permission)),
                refusals: this.dialog.refusals,
                busy: this.dialog.busy,
                submit: this.submit,
                cancel: this.dialog.cancel,
              })
            : nothing
        }
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-roles": LatchkeyRoles;
  }
}
