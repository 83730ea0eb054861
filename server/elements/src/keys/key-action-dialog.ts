import { html, LitElement } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import type { LatchkeyClient } from "../core/client";
import { plainWords, type UserError } from "../core/failure";
import { baseStyles } from "../core/styles";
import { credentialView, shownOnceNote } from "./credential-view";
import { dialogStyles } from "./dialog-styles";
import { NO_ERRORS, type PlacedErrors, placeErrors } from "./field-errors";
import { RevealKey, RevokeKey, RotateKey } from "./operations";
import type { KeyRow } from "./words";

/** The actions that ask something first (a reason, a grace period) and so open a dialog. */
export type DialogAction = "reveal" | "copy" | "rotate" | "revoke";

const GRACE_HOURS = [0, 1, 24, 72, 168];
const count = (amount: number, unit: string) => `${amount} ${unit}${amount === 1 ? "" : "s"}`;
const graceWords = (hours: number) =>
  hours === 0 ? "None: the old secret stops at once" : hours < 24 ? count(hours, "hour") : count(hours / 24, "day");
const graceNote = (hours: number) =>
  hours === 0 ? "The old secret has stopped working." : `The old secret keeps working for ${graceWords(hours).toLowerCase()}.`;
const TITLES: Record<DialogAction, string> = { reveal: "Reveal", copy: "Copy", rotate: "Rotate", revoke: "Revoke" };
/** The heading once the action is done, so the dialog says what happened. */
const DONE_TITLES: Record<DialogAction, string> = { reveal: "Secret of", copy: "Secret of", rotate: "Rotated", revoke: "Revoked" };

/**
 * One key action that needs an answer first: reveal or copy (a reason, kept in the audit log),
 * rotate (a grace period for the old secret), revoke (a reason). Runs the mutation itself, shows
 * refusals beside the field they concern, and fires `latchkey-key-changed` with the key as it now is.
 */
@customElement("latchkey-key-action-dialog")
export class LatchkeyKeyActionDialog extends LitElement {
  static override styles = [baseStyles, dialogStyles];

  @property({ attribute: false }) client: LatchkeyClient | null = null;
  @state() private key: KeyRow | null = null;
  @state() private action: DialogAction = "reveal";
  @state() private errors: PlacedErrors = NO_ERRORS;
  @state() private busy = false;
  @state() private outcome: { secret?: string; copied?: boolean; graceHours?: number } | null = null;
  @query("dialog") private dialog!: HTMLDialogElement;

  /** Opens the dialog for `action` on `key`; focus goes to its first field. */
  async open(action: DialogAction, key: KeyRow): Promise<void> {
    Object.assign(this, { action, key, errors: NO_ERRORS, outcome: null, busy: false });
    await this.updateComplete;
    this.dialog.querySelector("form")?.reset();
    if (!this.dialog.open) this.dialog.showModal();
  }

  private close(): void {
    this.dialog.close();
  }

  /** On close: the key and any secret shown are dropped from the element, not only from the page. */
  private forget = (): void => {
    this.key = null;
    this.outcome = null;
  };

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const key = this.key;
    if (!key || !this.client || this.busy) return;
    const form = new FormData(event.target as HTMLFormElement);
    const reason = String(form.get("reason") ?? "").trim();
    if (this.action !== "rotate" && !reason) {
      this.errors = { byField: { reason: "Say why, in a few words: it is kept in the audit log." }, general: [] };
      return;
    }
    this.busy = true;
    try {
      const graceHours = Number(form.get("gracePeriodHours") ?? 0);
      const result = await this.run(key, reason, graceHours);
      // Closed while the request ran: a revealed or rotated secret is not kept where nobody sees it.
      if (!this.dialog.open) return;
      this.errors = placeErrors(result.userErrors, ["reason", "gracePeriodHours"]);
      if (result.userErrors.length) return;
      if (result.key) this.dispatchEvent(new CustomEvent("latchkey-key-changed", { detail: { key: result.key, action: this.action } }));
      if (this.action === "revoke") return this.close();
      // A refused clipboard (no permission, the page lost focus) shows the secret instead, to copy by hand.
      const copied =
        this.action === "copy" &&
        !!result.secret &&
        (await navigator.clipboard.writeText(result.secret).then(
          () => true,
          () => false,
        ));
      this.outcome = copied ? { copied } : { secret: result.secret ?? "", graceHours };
    } catch (error) {
      this.errors = { byField: {}, general: [plainWords(error)] };
    } finally {
      this.busy = false;
    }
  }

  private async run(
    key: KeyRow,
    reason: string,
    gracePeriodHours: number,
  ): Promise<{ key?: KeyRow | null; secret?: string | null; userErrors: UserError[] }> {
    const client = this.client as LatchkeyClient;
    if (this.action === "rotate") return (await client.request(RotateKey, { input: { id: key.id, gracePeriodHours } })).rotateKey;
    if (this.action === "revoke") return (await client.request(RevokeKey, { input: { id: key.id, reason } })).revokeKey;
    return (await client.request(RevealKey, { input: { id: key.id, reason } })).revealKeySecret;
  }

  private fields(key: KeyRow) {
    const error = (field: string) =>
      this.errors.byField[field]
        ? html`<span class="field-error" id="error-${field}" part="failure">${this.errors.byField[field]}</span>`
        : "";
    if (this.action === "rotate")
      return html`<label>How long the old secret keeps working
          <select name="gracePeriodHours" aria-describedby="error-gracePeriodHours">
            ${GRACE_HOURS.map((hours) => html`<option value=${hours} ?selected=${hours === 24}>${graceWords(hours)}</option>`)}
          </select></label>${error("gracePeriodHours")}`;
    const question = this.action === "revoke" ? `Why revoke ${key.name}?` : `Why do you need the secret of ${key.name}?`;
    return html`<label>${question}
        <textarea name="reason" rows="2" required aria-invalid=${this.errors.byField.reason ? "true" : "false"}
          aria-describedby="error-reason hint-reason"></textarea></label>
      <span class="hint muted" id="hint-reason">Kept in the audit log.</span>${error("reason")}`;
  }

  private body(key: KeyRow) {
    if (this.outcome?.copied) return html`<p class="notice" role="status">Copied the secret of ${key.name} to the clipboard.</p>`;
    if (this.outcome)
      return credentialView(
        key,
        this.outcome.secret ?? "",
        this.action === "rotate"
          ? `${graceNote(this.outcome.graceHours ?? 0)} ${shownOnceNote(key.viewerCan.reveal)}`
          : this.action === "copy"
            ? "The clipboard refused it: copy it from here. This reveal is in the audit log."
            : "Keep it safe; this reveal is in the audit log.",
      );
    return html`<form id="action-form" novalidate @submit=${this.submit}>
      ${this.action === "revoke" ? html`<p>Revoking is permanent: anything using ${key.name} stops working at once.</p>` : ""}
      ${this.fields(key)}
      ${this.errors.general.map((message) => html`<p class="failure" role="alert" part="failure">${message}</p>`)}
    </form>`;
  }

  override render() {
    const key = this.key;
    const title = key ? `${TITLES[this.action]} ${key.name}` : "";
    const heading = key && this.outcome ? `${DONE_TITLES[this.action]} ${key.name}` : title;
    return html`<dialog part="dialog" aria-labelledby="action-title" @close=${this.forget}>
      <h2 id="action-title">${heading}</h2>
      ${key ? this.body(key) : ""}
      <div class="actions">
        ${
          key && !this.outcome
            ? html`<button type="submit" form="action-form" part="button" class=${this.action === "revoke" ? "danger" : "primary"} ?disabled=${this.busy}>${title}</button>
              <button type="button" part="button" @click=${this.close}>Cancel</button>`
            : html`<button type="button" part="button" @click=${this.close}>Close</button>`
        }
      </div>
    </dialog>`;
  }
}
