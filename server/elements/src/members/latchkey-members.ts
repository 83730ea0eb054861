import { css, html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { DialogController } from "../core/dialog-controller";
import { LatchkeyElement } from "../core/latchkey-element";
import { PageEventsController } from "../core/page-events";
import { absoluteTime } from "../core/time";
import type { ResultOf } from "../graphql/tada";
import { type MemberDialog, memberDialogForm } from "./member-dialogs";
import type { Member, MemberRole } from "./member-types";
import { AddMember, ChangeMemberRole, MoreMembers, OrganizationMembers, RemoveMember } from "./operations";

type Organization = NonNullable<ResultOf<typeof OrganizationMembers>["organization"]>;

/** An organisation's members with their roles; managers add members, change roles and remove members. */
@customElement("latchkey-members")
export class LatchkeyMembers extends LatchkeyElement {
  static override styles = [...LatchkeyElement.styles, css`.row-actions { justify-content: flex-start; }`];

  @state() private organizationData: Organization | null = null;
  @state() private viewerId = "";
  @state() private notice = "";
  private readonly dialog = new DialogController<MemberDialog>(this);

  constructor() {
    super();
    // A role changed elsewhere on the page (say in `<latchkey-roles>`) changes the roles a member can be given.
    new PageEventsController(this, ["latchkey-role-created", "latchkey-role-updated", "latchkey-role-deleted"], () => void this.reload());
  }

  protected override async load(): Promise<void> {
    const organizationId = await this.organizationId();
    const { viewer, organization } = await this.client.request(OrganizationMembers, { organizationId, after: null });
    // Every member, a page of 100 at a time: a table that silently stopped at 100 would hide people.
    let page = organization?.members;
    while (organization && page?.pageInfo.hasNextPage) {
      const more = await this.client.request(MoreMembers, { organizationId, after: page.pageInfo.endCursor });
      page = more.organization?.members;
      organization.members.nodes.push(...(page?.nodes ?? []));
    }
    this.viewerId = viewer.id;
    this.organizationData = organization;
  }

  /** Roles the viewer may hand out: nobody grants permissions they do not hold. */
  private grantableRoles(organization: Organization): MemberRole[] {
    const held = new Set(organization.viewerPermissions);
    return organization.roles.nodes.filter((role) => role.permissions.every((permission) => held.has(permission)));
  }

  private open(dialog: MemberDialog): void {
    this.notice = "";
    this.dialog.open(dialog);
  }

  private readonly submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const dialog = this.dialog.current;
    const organization = this.organizationData;
    if (!dialog || !organization) return;
    const form = new FormData(event.target as HTMLFormElement);
    const roleId = String(form.get("roleId") ?? "");
    let done = "";
    const changed = await this.dialog.run(async () => {
      if (dialog.kind === "add") {
        const email = String(form.get("email") ?? "").trim();
        done = `${email} was added.`;
        return (await this.client.request(AddMember, { input: { organizationId: organization.id, email, roleId } })).addMember;
      }
      const { member } = dialog;
      if (dialog.kind === "role") {
        done = `${member.user.name} is now ${organization.roles.nodes.find((role) => role.id === roleId)?.name ?? "changed"}.`;
        return (await this.client.request(ChangeMemberRole, { input: { membershipId: member.id, roleId } })).changeMemberRole;
      }
      done = `${member.user.name} was removed.`;
      return (await this.client.request(RemoveMember, { input: { membershipId: member.id } })).removeMember;
    });
    if (!changed) return;
    this.notice = done;
    this.announce(dialog.kind === "add" ? "member-added" : dialog.kind === "role" ? "member-role-changed" : "member-removed", {
      organizationId: organization.id,
    });
    await this.reload();
  };

  private row(member: Member, organizationName: string) {
    const name = member.user.name;
    const leaving = member.user.id === this.viewerId;
    return html`<tr part="row">
      <th scope="row">${name}</th>
      <td>${member.user.email}</td>
      <td>${member.role.name}</td>
      <td>${absoluteTime(member.createdAt)}</td>
      <td>
        <div class="actions row-actions">
          ${member.viewerCan.changeRole ? html`<button part="button" @click=${() => this.open({ kind: "role", member })}>Change role of ${name}</button>` : nothing}
          ${
            member.viewerCan.remove
              ? html`<button part="button" class="danger" @click=${() => this.open({ kind: "remove", member })}>${leaving ? `Leave ${organizationName}` : `Remove ${name}`}</button>`
              : nothing
          }
        </div>
      </td>
    </tr>`;
  }

  override render() {
    const organization = this.organizationData;
    const grantable = organization ? this.grantableRoles(organization) : [];
    const manage = !!organization?.viewerCan.manageMembers && grantable.length > 0;
    const current = this.dialog.current;
    const leaving = current?.kind === "remove" && current.member.user.id === this.viewerId;
    return html`
      ${this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : nothing}
      <div class="toolbar">
        <h2>Members${organization ? ` of ${organization.name}` : ""}</h2>
        ${manage ? html`<button part="button" class="primary" @click=${() => this.open({ kind: "add" })}>Add member</button>` : nothing}
      </div>
      <p class="notice" role="status" part="notice">${this.notice}</p>
      <table part="table">
        <caption class="visually-hidden">Members${organization ? ` of ${organization.name}` : ""}</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Member since</th><th scope="col">Actions</th></tr></thead>
        <tbody>${(organization?.members.nodes ?? []).map((member) => this.row(member, organization?.name ?? ""))}</tbody>
      </table>
      <dialog part="dialog" aria-labelledby="dialog-title" @close=${this.dialog.closed}>
        ${
          current && organization
            ? memberDialogForm(current, {
                organizationName: organization.name,
                grantableRoles: grantable,
                refusals: this.dialog.refusals,
                busy: this.dialog.busy,
                leaving,
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
    "latchkey-members": LatchkeyMembers;
  }
}
