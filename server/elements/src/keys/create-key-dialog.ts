import { html, LitElement, nothing } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import type { LatchkeyClient } from "../core/client";
import { plainWords } from "../core/failure";
import { baseStyles } from "../core/styles";
import type { ResultOf } from "../graphql/tada";
import { CREATE_FIELDS, createKeyForm, createKeyInput } from "./create-key-form";
import { credentialView, shownOnceNote } from "./credential-view";
import { dialogStyles } from "./dialog-styles";
import { NO_ERRORS, type PlacedErrors, placeErrors } from "./field-errors";
import { AcceptAgreement, CreateKey, type KeysPage } from "./operations";
import type { KeyRow } from "./words";

export type OrganizationFacts = NonNullable<ResultOf<typeof KeysPage>["organization"]>;

/**
 * Creating a key in three steps: the organisation's API agreement, shown and accepted when the
 * viewer has not accepted its current version; the form; then every part of the new credential,
 * shown this once with copy buttons. Fires `latchkey-key-changed` with the new key.
 */
@customElement("latchkey-create-key-dialog")
export class LatchkeyCreateKeyDialog extends LitElement {
  static override styles = [baseStyles, dialogStyles];

  @property({ attribute: false }) client: LatchkeyClient | null = null;
  @property({ attribute: false }) organization: OrganizationFacts | null = null;
  @property({ attribute: false }) fixedLocationId: string | null = null;
  @state() private step: "agreement" | "form" | "created" = "form";
  @state() private errors: PlacedErrors = NO_ERRORS;
  @state() private personal = false;
  @state() private busy = false;
  @state() private created: { key: KeyRow; secret: string } | null = null;
  @query("dialog") private dialog!: HTMLDialogElement;

  async open(): Promise<void> {
    const accepted = this.organization?.viewerApiAgreement?.accepted ?? true;
    Object.assign(this, { step: accepted ? "form" : "agreement", errors: NO_ERRORS, personal: false, created: null, busy: false });
    await this.updateComplete;
    this.dialog.querySelector("form")?.reset();
    this.dialog.showModal();
  }

  private close(): void {
    this.dialog.close();
    this.created = null;
  }

  private async accept(): Promise<void> {
    const organization = this.organization;
    if (!organization || !this.client) return;
    await this.attempt(async (client) => {
      const { acceptApiAgreement } = await client.request(AcceptAgreement, { input: { organizationId: organization.id } });
      this.errors = placeErrors(acceptApiAgreement.userErrors, []);
      if (acceptApiAgreement.userErrors.length) return;
      this.organization = { ...organization, viewerApiAgreement: acceptApiAgreement.organization?.viewerApiAgreement ?? null };
      this.step = "form";
      await this.updateComplete;
      this.dialog.querySelector<HTMLInputElement>("input[name=name]")?.focus();
    });
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const organization = this.organization;
    if (!organization) return;
    const input = createKeyInput(new FormData(event.target as HTMLFormElement), organization.id, this.fixedLocationId);
    if (!input.name) {
      this.errors = { byField: { name: "Give the key a name." }, general: [] };
      return;
    }
    await this.attempt(async (client) => {
      const { createKey } = await client.request(CreateKey, { input });
      this.errors = placeErrors(createKey.userErrors, CREATE_FIELDS);
      if (createKey.userErrors.length || !createKey.key) return;
      this.created = { key: createKey.key, secret: createKey.secret ?? "" };
      this.step = "created";
      // Closed while the key was being made: the key exists now, and its parts are shown only this
      // once, so the dialog opens again to show them (closing clears them: see render).
      if (!this.dialog.open) this.dialog.showModal();
      this.dispatchEvent(new CustomEvent("latchkey-key-changed", { detail: { key: createKey.key, action: "create" } }));
    });
  }

  /** Runs one request at a time, its thrown failure shown with the dialog's actions. */
  private async attempt(task: (client: LatchkeyClient) => Promise<void>): Promise<void> {
    if (this.busy || !this.client) return;
    this.busy = true;
    try {
      await task(this.client);
    } catch (error) {
      this.errors = { byField: {}, general: [plainWords(error)] };
    } finally {
      this.busy = false;
    }
  }

  private agreement(organization: OrganizationFacts) {
    const version = organization.viewerApiAgreement?.currentVersion ?? 1;
    const text = organization.settings.agreementText;
    return html`<p>Before creating keys in ${organization.name}, read and accept its API agreement (version ${version}). Latchkey records that you accepted it.</p>
      ${
        text
          ? html`<div class="agreement" role="region" tabindex="0" aria-label=${`API agreement of ${organization.name}`}>${text}</div>`
          : html`<p class="muted">${organization.name} has not published the agreement's text in Latchkey; ask its admins for it.</p>`
      }
      ${this.errors.general.map((message) => html`<p class="failure" role="alert" part="failure">${message}</p>`)}`;
  }

  private body(organization: OrganizationFacts) {
    if (this.step === "agreement") return this.agreement(organization);
    if (this.step === "created" && this.created)
      return credentialView(this.created.key, this.created.secret, shownOnceNote(this.created.key.viewerCan.reveal));
    return createKeyForm(
      {
        locations: organization.locations.nodes,
        fixedLocationId: this.fixedLocationId,
        permissions: organization.viewerPermissions,
        personal: this.personal,
        maxLifetimeDays: organization.settings.maxKeyLifetimeDays ?? null,
        errors: this.errors,
      },
      (event) => this.submit(event),
      (event) => {
        this.personal = (event.target as HTMLInputElement).checked;
      },
    );
  }

  private buttons() {
    const cancel = html`<button type="button" part="button" @click=${this.close}>Cancel</button>`;
    if (this.step === "agreement")
      return html`<button type="button" part="button" class="primary" ?disabled=${this.busy} @click=${this.accept}>Accept the agreement</button>${cancel}`;
    if (this.step === "form")
      return html`<button type="submit" form="create-form" part="button" class="primary" ?disabled=${this.busy}>Create key</button>${cancel}`;
    return html`<button type="button" part="button" @click=${this.close}>Done, I stored it</button>`;
  }

  override render() {
    const organization = this.organization;
    const title =
      this.step === "agreement" ? "API agreement" : this.step === "created" ? `Created ${this.created?.key.name ?? ""}` : "New key";
    return html`<dialog part="dialog" aria-labelledby="create-title" @close=${() => (this.created = null)}>
      <h2 id="create-title">${title}</h2>
      ${organization ? this.body(organization) : nothing}
      <div class="actions">${this.buttons()}</div>
    </dialog>`;
  }
}
