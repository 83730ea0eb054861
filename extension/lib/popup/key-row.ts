import type { KeyView } from "../graphql/operations";
import { sendToBackground } from "../messaging";
import { formatDate, h, showStatus, withStatus } from "../ui/dom";
import type { KeyAbilities } from "./key-permissions";
import { publicIdLabel } from "./key-permissions";

export interface KeyRowContext {
  abilities: KeyAbilities;
  /** Re-renders the list after a change (rotate, revoke). */
  changed(): void;
}

/** Asks for a reason inline, then runs the action with it. Reasons go into the audit log. */
function reasonPrompt(label: string, confirm: string, action: (reason: string) => Promise<void>) {
  const reason = h("input", { type: "text", "aria-label": label, placeholder: label, required: true });
  const form = h(
    "form",
    {
      class: "reason-prompt",
      onsubmit: (event: Event) => {
        event.preventDefault();
        void action(reason.value);
      },
    },
    reason,
    h("button", { type: "submit" }, confirm),
  );
  return { form, focus: () => reason.focus() };
}

/** One key: its facts, never its secret until revealed, and the actions the user may take. */
export function renderKeyRow(key: KeyView, context: KeyRowContext): HTMLElement {
  const status = h("div", { class: "status", role: "status" });
  const details = h("div", { class: "details" });
  const show = (content: HTMLElement | null) => details.replaceChildren(...(content ? [content] : []));

  const copy = (text: string, sensitive: boolean, what: string) =>
    withStatus(status, async () => {
      const { clearsAfterSeconds } = await sendToBackground("copyText", { text, sensitive });
      showStatus(
        status,
        clearsAfterSeconds > 0 ? `Copied ${what}; cleared from the clipboard in ${clearsAfterSeconds} s.` : `Copied ${what}.`,
      );
    });

  const askReason = (label: string, confirm: string, action: (reason: string) => Promise<void>) => {
    const prompt = reasonPrompt(label, confirm, (reason) => withStatus(status, () => action(reason)).then(() => undefined));
    show(prompt.form);
    prompt.focus();
  };

  const reveal = () =>
    askReason("Why do you need the secret?", "Reveal", async (reason) => {
      const { secret } = await sendToBackground("revealSecret", { keyId: key.id, reason });
      show(
        h(
          "div",
          { class: "secret" },
          h("code", { class: "secret-value" }, secret),
          h("button", { type: "button", onclick: () => void copy(secret, true, "the secret") }, "Copy secret"),
        ),
      );
      showStatus(status, "Revealed; the reason is in the audit log.");
    });

  const copySecret = () =>
    askReason("Why do you need the secret?", "Copy secret", async (reason) => {
      const { clearsAfterSeconds } = await sendToBackground("copySecret", { keyId: key.id, reason });
      show(null);
      showStatus(
        status,
        clearsAfterSeconds > 0 ? `Copied the secret; cleared from the clipboard in ${clearsAfterSeconds} s.` : "Copied the secret.",
      );
    });

  const rotate = () =>
    withStatus(status, async () => {
      if (!confirm(`Rotate “${key.name}”? The current secret stops working now.`)) return;
      const { secret } = await sendToBackground("rotateKey", { keyId: key.id });
      show(h("div", { class: "secret" }, h("span", {}, "New secret (shown now): "), h("code", { class: "secret-value" }, secret ?? "")));
      showStatus(status, "Rotated. Store the new secret now.");
    });

  const revoke = () =>
    askReason("Why revoke this key?", "Revoke", async (reason) => {
      await sendToBackground("revokeKey", { keyId: key.id, reason });
      context.changed();
    });

  const label = publicIdLabel(key.kind);
  const scope = key.location ? `Location: ${key.location.name}` : key.personal ? "Personal" : "Organisation";
  const actions = h(
    "div",
    { class: "actions" },
    h("button", { type: "button", class: "secondary", onclick: () => void copy(key.id, false, "the key ID") }, "Copy ID"),
    label && key.publicId
      ? h("button", { type: "button", class: "secondary", onclick: () => void copy(key.publicId!, false, `the ${label}`) }, `Copy ${label}`)
      : null,
    context.abilities.reveal ? h("button", { type: "button", onclick: reveal }, "Reveal") : null,
    context.abilities.reveal ? h("button", { type: "button", onclick: copySecret }, "Copy secret") : null,
    context.abilities.rotate ? h("button", { type: "button", class: "secondary", onclick: () => void rotate() }, "Rotate") : null,
    context.abilities.revoke ? h("button", { type: "button", class: "secondary", onclick: revoke }, "Revoke") : null,
  );
  return h(
    "li",
    { class: `key state-${key.state.toLowerCase()}`, "data-key-id": key.id, "data-key-name": key.name },
    h(
      "div",
      { class: "summary" },
      h("span", { class: "name" }, key.name),
      h("span", { class: `state ${key.state.toLowerCase()}` }, key.state),
      h("span", { class: "kind" }, key.kind),
    ),
    h(
      "div",
      { class: "facts" },
      h("code", { class: "masked" }, key.maskedSecret),
      h("span", {}, scope),
      h("span", {}, `Scopes: ${key.scopes.join(", ")}`),
      h("span", {}, `Expires: ${formatDate(key.expiresAt)}`),
      h("span", {}, `Last used: ${formatDate(key.lastUsedAt)}`),
      key.state === "REVOKED" && key.revokedReason ? h("span", {}, `Revoked: ${key.revokedReason}`) : null,
    ),
    actions,
    details,
    status,
  );
}
