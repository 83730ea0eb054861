import { KEY_KINDS, type KeyKind } from "../graphql/enums";
import type { OrganizationView } from "../graphql/operations";
import { sendToBackground } from "../messaging";
import { h, showStatus, withStatus } from "../ui/dom";

/**
 * Creating a key: the organisation's API agreement comes first when the user has not accepted its
 * current version; organisation keys (not personal ones) need contact details.
 */
export function renderCreateKeyForm(organization: OrganizationView, created: () => void): HTMLElement {
  const status = h("div", { class: "status", role: "status" });
  const container = h("section", { class: "create-key", "aria-label": "Create a key" });
  const agreement = organization.viewerApiAgreement;

  if (agreement && !agreement.accepted) {
    container.append(
      h("h2", {}, "API agreement"),
      h(
        "p",
        { class: "agreement" },
        `Creating keys in ${organization.name} needs you to accept its API agreement, version ${agreement.currentVersion}, `,
        "as your organisation's admins publish it. Latchkey records your acceptance.",
      ),
      h(
        "button",
        {
          type: "button",
          onclick: async () => {
            const result = await withStatus(status, () => sendToBackground("acceptAgreement", { organizationId: organization.id }));
            if (result?.accepted) {
              organization.viewerApiAgreement = { ...agreement, accepted: true };
              container.replaceWith(renderCreateKeyForm(organization, created));
            }
          },
        },
        `Accept agreement v${agreement.currentVersion}`,
      ),
      status,
    );
    return container;
  }

  const name = h("input", { type: "text", required: true, "aria-label": "Key name" });
  const kind = h("select", { "aria-label": "Kind" }, ...KEY_KINDS.map((value) => h("option", { value }, value)));
  const location = h(
    "select",
    { "aria-label": "Location" },
    h("option", { value: "" }, "Whole organisation"),
    ...organization.locations.nodes.map((node) => h("option", { value: node.id }, node.name)),
  );
  const expiresAt = h("input", { type: "date", "aria-label": "Expires on" });
  const personal = h("input", { type: "checkbox", "aria-label": "Personal key" });
  const contactName = h("input", { type: "text", "aria-label": "Contact name" });
  const contactEmail = h("input", { type: "email", "aria-label": "Contact email" });
  const contactPhone = h("input", { type: "tel", "aria-label": "Contact phone" });
  const contact = h(
    "fieldset",
    { class: "contact" },
    h("legend", {}, "Contact for this key"),
    h("label", {}, "Name", contactName),
    h("label", {}, "Email", contactEmail),
    h("label", {}, "Phone", contactPhone),
  );
  personal.addEventListener("change", () => {
    contact.hidden = personal.checked;
  });
  const secretOutput = h("div", { class: "secret" });

  container.append(
    h(
      "form",
      {
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const result = await withStatus(status, () =>
            sendToBackground("createKey", {
              organizationId: organization.id,
              locationId: location.value || undefined,
              name: name.value,
              kind: kind.value as KeyKind,
              personal: personal.checked,
              expiresAt: expiresAt.value ? new Date(`${expiresAt.value}T23:59:59`).toISOString() : undefined,
              contact: personal.checked ? undefined : { name: contactName.value, email: contactEmail.value, phone: contactPhone.value },
            }),
          );
          if (!result) return;
          secretOutput.replaceChildren(
            h("span", {}, "Secret (shown now; store it): "),
            h("code", { class: "secret-value" }, result.secret ?? ""),
          );
          showStatus(status, `Created “${result.key.name}”.`);
          created();
        },
      },
      h("label", {}, "Name", name),
      h("label", {}, "Kind", kind),
      h("label", {}, "Scope", location),
      h("label", {}, "Expires on (empty: the longest allowed)", expiresAt),
      h("label", { class: "inline" }, personal, "Personal key (for my own use; no contact needed)"),
      contact,
      h("button", { type: "submit" }, "Create key"),
    ),
    secretOutput,
    status,
  );
  return container;
}
