import { html, type LitElement, nothing } from "lit";

/** Shows the dialog with this ID in an element's shadow root modally, once the element has rendered it. */
export async function showDialog(element: LitElement, id: string): Promise<void> {
  await element.updateComplete;
  const dialog = element.renderRoot.querySelector<HTMLDialogElement>(`dialog#${id}`);
  if (dialog && !dialog.open) dialog.showModal();
}

export function closeDialog(element: LitElement, id: string): void {
  element.renderRoot.querySelector<HTMLDialogElement>(`dialog#${id}`)?.close();
}

/** The one time a signing secret is shown: after creating an endpoint or rotating its secret. */
export function secretDialog(shown: { name: string; secret: string; rotated: boolean } | null, close: () => void) {
  return html`<dialog id="secret" part="dialog" aria-labelledby="secret-title" @close=${close}>
    ${
      shown
        ? html`<h2 id="secret-title">${shown.rotated ? "New signing secret" : "Signing secret"} of ${shown.name}</h2>
          <p>Copy it now and store it where your receiver verifies signatures. It will not be shown again.</p>
          ${shown.rotated ? html`<p class="muted">The previous secret also signs for 24 hours, so your receiver can switch without a gap.</p>` : nothing}
          <p><code part="secret" data-secret>${shown.secret}</code></p>
          <div class="actions">
            <latchkey-copy-button .value=${shown.secret} label=${`Copy the signing secret of ${shown.name}`}></latchkey-copy-button>
            <button type="button" part="button" class="primary" @click=${close}>Done</button>
          </div>`
        : nothing
    }
  </dialog>`;
}

/** Asks before deleting: the endpoint and its whole delivery log go. */
export function deleteDialog(name: string | null, failure: string | null, confirm: () => void, cancel: () => void) {
  return html`<dialog id="delete" part="dialog" aria-labelledby="delete-title" @cancel=${cancel}>
    <h2 id="delete-title">Delete ${name}?</h2>
    <p>Events stop going to this endpoint at once, and its delivery log is deleted with it.</p>
    ${failure ? html`<p class="failure" role="alert" part="failure">${failure}</p>` : nothing}
    <div class="actions">
      <button type="button" part="button" @click=${cancel}>Cancel</button>
      <button type="button" part="button" class="danger" @click=${confirm}>Delete ${name}</button>
    </div>
  </dialog>`;
}
