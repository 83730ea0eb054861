import { css, html } from "lit";
import { customElement, state } from "lit/decorators.js";
import { FailureCode, LatchkeyFailure, plainWords } from "../core/failure";
import { LatchkeyElement } from "../core/latchkey-element";
import { baseStyles } from "../core/styles";
import { OrganizationSettingsQuery, UpdateOrganizationSettings } from "./operations";
import { changedSettings, errorsByField, type FieldErrors, readSettingsForm, type Settings } from "./settings-fields";
import { renderSettingsForm, renderSettingsView } from "./settings-form";

/**
 * An organisation's policies: who may create keys, whether secrets can be revealed, key lifetime,
 * inactivity, warnings, approval and the API agreement. Editable with `viewerCan.manageSettings`,
 * otherwise shown read-only. A refused value is explained beside its field and nothing is changed.
 * @csspart heading, form, input, select, button - the form; @csspart list - the read-only view
 * @csspart failure - a refusal or failure in plain words; @csspart notice - "Settings saved."
 * @fires latchkey-settings-saved - `{ organizationId }` after a save the server accepted
 */
@customElement("latchkey-organization-settings")
export class LatchkeyOrganizationSettings extends LatchkeyElement {
  static override styles = [
    baseStyles,
    css`
      .field { margin-bottom: 0.75rem; display: grid; gap: 0.25rem; max-width: 40rem; }
      .field label { margin: 0; }
      .field .failure { margin: 0; }
      label.check { display: flex; gap: 0.5rem; align-items: center; }
      input[type="checkbox"] { width: 24px; height: 24px; min-height: 0; margin: 0; accent-color: var(--_accent); }
      textarea { resize: vertical; }
      dt { font-weight: 600; }
      dd { margin: 0 0 0.75rem; white-space: pre-wrap; }
    `,
  ];

  @state() private organizationName = "";
  @state() private settings: Settings | null = null;
  @state() private editable = false;
  @state() private errors: FieldErrors = {};
  @state() private saving = false;
  @state() private saved = false;

  protected override async load(): Promise<void> {
    const { organization } = await this.client.request(OrganizationSettingsQuery, { organizationId: await this.organizationId() });
    if (!organization) throw new LatchkeyFailure(FailureCode.NOT_FOUND);
    this.organizationName = organization.name;
    this.settings = organization.settings;
    this.editable = organization.viewerCan.manageSettings;
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.saved = false;
    const { input, errors } = readSettingsForm(event.currentTarget as HTMLFormElement);
    this.errors = errors;
    if (Object.keys(errors).length || !this.settings) return this.focusFirstError();
    const settings = changedSettings(input, this.settings);
    this.saving = true;
    try {
      const id = await this.organizationId();
      const { updateOrganization } = await this.client.request(UpdateOrganizationSettings, { input: { id, settings } });
      this.errors = errorsByField(updateOrganization.userErrors);
      if (updateOrganization.userErrors.length) return this.focusFirstError();
      if (updateOrganization.organization) this.settings = updateOrganization.organization.settings;
      this.saved = true;
      this.announce("settings-saved", { organizationId: id });
    } catch (error) {
      this.errors = { form: plainWords(error) };
    } finally {
      this.saving = false;
    }
  }

  /** Takes the keyboard to the first refused field, so its reason is read out with it. */
  private async focusFirstError(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  override render() {
    const failure = this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : "";
    if (!this.settings) return html`${failure}<p class="muted" role="status">${this.failure ? "" : "Loading the settings…"}</p>`;
    const heading = html`<h2 part="heading">Settings of ${this.organizationName}</h2>`;
    if (!this.editable)
      return html`${failure}${heading}<p class="muted">Only members who may manage this organization can change these settings.</p>
        ${renderSettingsView(this.settings)}`;
    return html`${failure}${heading}
      ${renderSettingsForm(this.settings, this.errors, this.saving, (event) => void this.save(event))}
      <p class="notice" role="status" part="notice">${this.saved ? "Settings saved." : ""}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-organization-settings": LatchkeyOrganizationSettings;
  }
}
