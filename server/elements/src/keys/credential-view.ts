import { html } from "lit";
import "../core/copy-button";
import { type CredentialPart, credentialParts, type KeyRow } from "./words";

/**
 * Every part of a credential with its own copy button, named with the key ("Copy the client secret
 * of Billing sync"). `note` says whether the secret can be shown again.
 */
export function credentialView(key: Pick<KeyRow, "name" | "kind" | "publicId">, secret: string, note: string) {
  const parts: CredentialPart[] = credentialParts(key, secret);
  return html`<div part="credential">
    <p class="notice" role="status">${note}</p>
    <dl class="parts">
      ${parts.map(
        (part) => html`<dt>${part.label}</dt>
          <dd>
            <code part="secret">${part.value}</code>
            <latchkey-copy-button exportparts="button" .value=${part.value} label=${`Copy the ${part.label.toLowerCase()} of ${key.name}`}></latchkey-copy-button>
          </dd>`,
      )}
    </dl>
  </div>`;
}

/** Whether a secret shown now can be seen again: only where the policy keeps it sealed and the kind allows. */
export function shownOnceNote(revealable: boolean): string {
  return revealable
    ? "Store these now. The secret can be revealed again later, with a reason."
    : "Store these now: the secret is shown this once and cannot be shown again.";
}
