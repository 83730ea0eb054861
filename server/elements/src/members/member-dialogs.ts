import { html, nothing } from "lit";
import type { UserError } from "../core/failure";
import { failureLine, refusalAbout } from "../core/mutation-result";
import type { Member, MemberRole } from "./member-types";

/** What the open dialog is about. */
export type MemberDialog = { kind: "add" } | { kind: "role"; member: Member } | { kind: "remove"; member: Member };

export interface DialogContext {
  organizationName: string;
  grantableRoles: readonly MemberRole[];
  refusals: readonly UserError[];
  busy: boolean;
  leaving: boolean;
  submit: (event: SubmitEvent) => void;
  cancel: () => void;
}

const roleOptions = (roles: readonly MemberRole[], selected?: string) =>
  roles.map((role) => html`<option value=${role.id} ?selected=${role.id === selected}>${role.name}</option>`);

const actions = (context: DialogContext, label: string, danger = false) => html`
  ${failureLine("dialog-failure", refusalAbout(context.refusals, null, ["email", "roleId"]))}
  <div class="actions">
    <button type="button" part="button" @click=${context.cancel}>Cancel</button>
    <button type="submit" part="button" class=${danger ? "danger" : "primary"} ?disabled=${context.busy}>${label}</button>
  </div>
`;

function roleField(context: DialogContext, label: string, selected?: string) {
  const refusal = refusalAbout(context.refusals, "roleId");
  return html`
    <label>${label}
      <select name="roleId" required aria-describedby=${refusal ? "role-failure" : nothing}>${roleOptions(context.grantableRoles, selected)}</select>
    </label>
    ${failureLine("role-failure", refusal)}
  `;
}

/** A newcomer starts with the fewest permissions on offer (a Viewer), not the first role listed (the Owner). */
function leastPrivileged(roles: readonly MemberRole[]): MemberRole | undefined {
  return roles.reduce<MemberRole | undefined>(
    (least, role) => (!least || role.permissions.length < least.permissions.length ? role : least),
    undefined,
  );
}

function addMember(context: DialogContext) {
  const refusal = refusalAbout(context.refusals, "email");
  return html`
    <h2 id="dialog-title">Add a member to ${context.organizationName}</h2>
    <p class="muted">They need a Latchkey account with this email.</p>
    <label>Email
      <input name="email" type="email" required autocomplete="off" aria-invalid=${refusal ? "true" : nothing} aria-describedby=${refusal ? "email-failure" : nothing} />
    </label>
    ${failureLine("email-failure", refusal)}
    ${roleField(context, "Role", leastPrivileged(context.grantableRoles)?.id)}
    ${actions(context, "Add member")}
  `;
}

function changeRole(context: DialogContext, member: Member) {
  return html`
    <h2 id="dialog-title">Change the role of ${member.user.name}</h2>
    <p class="muted">Now ${member.role.name}. Their permissions change at once.</p>
    ${roleField(context, `Role of ${member.user.name}`, member.role.id)}
    ${actions(context, "Change role")}
  `;
}

function removeMember(context: DialogContext, member: Member) {
  const title = context.leaving ? `Leave ${context.organizationName}?` : `Remove ${member.user.name} from ${context.organizationName}?`;
  return html`
    <h2 id="dialog-title">${title}</h2>
    <p>${context.leaving ? "You" : `${member.user.name} (${member.user.email})`} will lose access to the organization at once.</p>
    ${actions(context, context.leaving ? `Leave ${context.organizationName}` : `Remove ${member.user.name}`, true)}
  `;
}

/** The open dialog's form. */
export function memberDialogForm(dialog: MemberDialog, context: DialogContext) {
  const body =
    dialog.kind === "add"
      ? addMember(context)
      : dialog.kind === "role"
        ? changeRole(context, dialog.member)
        : removeMember(context, dialog.member);
  return html`<form method="dialog" @submit=${context.submit}>${body}</form>`;
}
