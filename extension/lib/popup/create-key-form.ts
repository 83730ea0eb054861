import { KEY_KINDS, type KeyKind, type Permission } from "../graphql/enums";
import type { OrganizationView, PopupKeyView } from "../graphql/operations";
import type { FieldError } from "../protocol";
import { clearStatus, h, showStatus, withStatus } from "../ui/dom";
import { ask } from "./popup-request";
import { type CredentialPart, renderCredential } from "./secret-view";
import { KIND_LABELS, PERMISSION_LABELS, publicIdLabel, secretLabel } from "./words";

/** Every key holds this one; it is shown ticked and cannot be removed. */
const ALWAYS_GRANTED: Permission = "ORG_READ";

const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  kind: "Kind",
  locationId: "Location",
  scopes: "Permissions",
  expiresAt: "Expiry date",
  contact: "Contact",
  "contact.name": "Contact name",
  "contact.email": "Contact email",
  "contact.phone": "Contact phone",
};

/** "contact.email: must be a valid email address" becomes "Contact email must be a valid email address." */
function plainWords(error: FieldError): string {
  const path = error.field?.join(".") ?? "";
  const message = error.message.replace(/^[\w.]+: /, "");
  const label = FIELD_LABELS[path];
  const sentence = label && /^(must|is|needs|need)\b/.test(message) ? `${label} ${message}` : message;
  const capitalised = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

export interface CreatedKey {
  key: PopupKeyView;
  secret: string | null;
}

/**
 * Creating a key: the organization's API agreement first when the viewer has not accepted its
 * current version, then the form. On success the form is reset and closed, and the new key's
 * parts are shown once by the caller.
 */
export function renderCreateKeyForm(
  organization: OrganizationView,
  done: { created(result: CreatedKey): void; closed(): void },
  agreementText: string | null = null,
): HTMLElement {
  const container = h("section", { class: "create-key", "aria-label": "Create a key" });
  const status = h("div", { class: "status", role: "status" });
  const agreement = organization.viewerApiAgreement;

  const onEscape = (event: Event) => {
    if ((event as KeyboardEvent).key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      done.closed();
    }
  };
  container.addEventListener("keydown", onEscape);

  if (agreement && !agreement.accepted) {
    const accept = h("button", { type: "button" }, `Accept the agreement (version ${agreement.currentVersion})`);
    accept.addEventListener("click", async () => {
      const result = await withStatus(status, () => ask("acceptAgreement", { organizationId: organization.id }));
      if (result?.accepted) {
        organization.viewerApiAgreement = { ...agreement, accepted: true };
        const form = renderCreateKeyForm(organization, done, agreementText);
        container.replaceWith(form);
        form.querySelector<HTMLElement>("input")?.focus();
      }
    });
    container.append(
      h("h2", {}, "API agreement"),
      h(
        "p",
        {},
        `Before creating keys in ${organization.name}, read and accept its API agreement (version ${agreement.currentVersion}). `,
        "Latchkey records that you accepted it.",
      ),
      agreementText
        ? // Scrollable, so it is focusable: keyboard users can scroll it too.
          h(
            "div",
            { class: "agreement-text", role: "region", tabindex: 0, "aria-label": `API agreement of ${organization.name}` },
            agreementText,
          )
        : h("p", { class: "note" }, "Your organization has not published the agreement's text in Latchkey; ask its admins for it."),
      h("div", { class: "buttons" }, accept, h("button", { type: "button", class: "secondary", onclick: done.closed }, "Cancel")),
      status,
    );
    return container;
  }

  const errorSlots = new Map<string, HTMLElement>();
  /** A labelled control; its hint and its error (empty until there is one) describe it, outside its name. */
  const field = (path: string, label: string, control: HTMLElement, hint?: string) => {
    const id = path.replace(".", "-");
    const slot = h("span", { class: "field-error", id: `error-${id}` });
    errorSlots.set(path, slot);
    control.setAttribute("aria-describedby", hint ? `error-${id} hint-${id}` : slot.id);
    return h(
      "div",
      { class: "field" },
      h("label", {}, label, control),
      hint ? h("span", { class: "hint", id: `hint-${id}` }, hint) : null,
      slot,
    );
  };

  const name = h("input", { type: "text", name: "name", autocomplete: "off" });
  const kind = h("select", { name: "kind" }, ...KEY_KINDS.map((value) => h("option", { value }, KIND_LABELS[value])));
  const location = h(
    "select",
    { name: "locationId" },
    h("option", { value: "" }, "Whole organization"),
    ...organization.locations.nodes.map((node) => h("option", { value: node.id }, node.name)),
  );
  const expiresAt = h("input", { type: "date", name: "expiresAt" });
  const held = organization.viewerPermissions.filter((permission) => permission !== ALWAYS_GRANTED);
  const permissionBoxes = held.map((permission) => ({
    permission,
    box: h("input", { type: "checkbox", value: permission }),
  }));
  const permissionsSlot = h("span", { class: "field-error", id: "error-scopes" });
  errorSlots.set("scopes", permissionsSlot);
  const permissions = h(
    "fieldset",
    { class: "permissions", "aria-describedby": "error-scopes" },
    h("legend", {}, "What the key may do (only what you may do yourself)"),
    h("label", { class: "inline" }, h("input", { type: "checkbox", checked: true, disabled: true }), PERMISSION_LABELS[ALWAYS_GRANTED]),
    ...permissionBoxes.map(({ permission, box }) => h("label", { class: "inline" }, box, PERMISSION_LABELS[permission])),
    permissionsSlot,
  );
  const personal = h("input", { type: "checkbox", name: "personal" });
  const contactName = h("input", { type: "text", autocomplete: "name" });
  const contactEmail = h("input", { type: "email", autocomplete: "email" });
  const contactPhone = h("input", { type: "tel", autocomplete: "tel" });
  const contactSlot = h("span", { class: "field-error", id: "error-contact" });
  errorSlots.set("contact", contactSlot);
  // Disabled, not hidden, for personal keys: the form keeps its layout, so nothing moves under the pointer.
  const contact = h(
    "fieldset",
    { class: "contact", "aria-describedby": "error-contact" },
    h("legend", {}, "Who to contact about this key"),
    field("contact.name", "Contact name", contactName),
    field("contact.email", "Contact email", contactEmail),
    field("contact.phone", "Contact phone", contactPhone),
    contactSlot,
  );
  personal.addEventListener("change", () => {
    contact.disabled = personal.checked;
  });

  const clearErrors = () => {
    for (const slot of errorSlots.values()) slot.textContent = "";
    for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
    clearStatus(status);
  };
  const showErrors = (errors: FieldError[]) => {
    const unplaced: string[] = [];
    let first: HTMLElement | null = null;
    for (const error of errors) {
      const path = error.field?.join(".") ?? "";
      const slot = errorSlots.get(path) ?? errorSlots.get(error.field?.[0] ?? "");
      if (!slot) {
        unplaced.push(plainWords(error));
        continue;
      }
      slot.textContent = [slot.textContent, plainWords(error)].filter(Boolean).join(" ");
      const control = form.querySelector<HTMLElement>(`[aria-describedby~="${slot.id}"]`);
      control?.setAttribute("aria-invalid", "true");
      first ??= control;
    }
    showStatus(status, unplaced.length ? unplaced.join(" ") : "Some fields need attention; see the messages next to them.", "failure");
    first?.focus();
  };

  const submit = h("button", { type: "submit" }, "Create key");
  const form = h(
    "form",
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        clearErrors();
        if (!name.value.trim()) return showErrors([{ field: ["name"], message: "must not be empty", code: "INVALID_INPUT" }]);
        submit.disabled = true;
        showStatus(status, "Creating…");
        const result = await withStatus(status, () =>
          ask("createKey", {
            organizationId: organization.id,
            locationId: location.value || undefined,
            name: name.value,
            kind: kind.value as KeyKind,
            personal: personal.checked,
            expiresAt: expiresAt.value ? new Date(`${expiresAt.value}T23:59:59`).toISOString() : undefined,
            scopes: permissionBoxes.filter(({ box }) => box.checked).map(({ permission }) => permission),
            contact: personal.checked ? undefined : { name: contactName.value, email: contactEmail.value, phone: contactPhone.value },
          }),
        );
        submit.disabled = false;
        if (!result) return;
        if (!result.key) return showErrors(result.fieldErrors);
        // Reset before closing: a second click can never create the same key twice.
        form.reset();
        contact.disabled = false;
        done.created({ key: result.key, secret: result.secret });
      },
    },
    field("name", "Name", name, "What uses it, e.g. “CRM sync”"),
    field("kind", "Kind", kind),
    field("locationId", "Where it works", location),
    permissions,
    field("expiresAt", "Expires on", expiresAt, "Empty: the longest your organization allows"),
    h("label", { class: "inline" }, personal, "Personal key, for my own use (no contact needed)"),
    contact,
    h("div", { class: "buttons" }, submit, h("button", { type: "button", class: "secondary", onclick: done.closed }, "Cancel")),
  );
  container.append(h("h2", {}, "New key"), form, status);
  return container;
}

/** Every part of a new key, each with a copy button, shown this once (OAuth client secrets are never shown again). */
export function renderCreatedKey(created: CreatedKey, status: HTMLElement, onDone: () => void) {
  const { key, secret } = created;
  const label = publicIdLabel(key.kind);
  const parts: CredentialPart[] = [
    ...(label && key.publicId ? [{ label, value: key.publicId, sensitive: false }] : []),
    { label: secretLabel(key.kind), value: secret ?? "", sensitive: true },
  ];
  return renderCredential({
    title: `Created “${key.name}”`,
    keyName: key.name,
    parts,
    status,
    note:
      key.kind === "OAUTH_CLIENT" || !key.viewerCan.reveal
        ? "Store these now: the secret is shown this once and cannot be shown again."
        : "Store these now. You can reveal the secret again later, with a reason.",
    hideLabel: "Done, I stored it",
    onHide: onDone,
  });
}
