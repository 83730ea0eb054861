import { html, nothing } from "lit";
import { type FieldErrors, SETTING_FIELDS, type SettingField, type Settings, settingInWords } from "./settings-fields";

/** One field with its label, hint and, when refused, the reason right beside it (and tied to it for screen readers). */
function renderField(field: SettingField, settings: Settings, error: string | undefined) {
  const value = settings[field.name];
  const hintId = field.hint ? `hint-${field.name}` : "";
  const errorId = error ? `error-${field.name}` : "";
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || nothing;
  const hint = field.hint ? html`<span class="muted" id=${hintId}>${field.hint}</span>` : "";
  const failure = error ? html`<span class="failure" id=${errorId} part="failure">${error}</span>` : "";
  const common = { name: field.name, describedBy, invalid: error ? "true" : nothing };
  if (field.kind === "checkbox")
    return html`<div class="field">
      <label class="check"><input type="checkbox" name=${common.name} .checked=${Boolean(value)} aria-describedby=${common.describedBy} aria-invalid=${common.invalid} />${field.label}</label>${failure}
    </div>`;
  let control: unknown;
  if (field.kind === "select")
    control = html`<select name=${common.name} part="select" .value=${String(value)} aria-describedby=${common.describedBy} aria-invalid=${common.invalid}>
      ${Object.entries(field.options ?? {}).map(([option, words]) => html`<option value=${option} ?selected=${value === option}>${words}</option>`)}
    </select>`;
  else if (field.kind === "text")
    control = html`<textarea name=${common.name} part="input" rows="6" .value=${String(value ?? "")} aria-describedby=${common.describedBy} aria-invalid=${common.invalid}></textarea>`;
  else
    control = html`<input type="text" inputmode=${field.kind === "list" ? "text" : "numeric"} name=${common.name} part="input"
      .value=${Array.isArray(value) ? value.join(", ") : String(value ?? "")} aria-describedby=${common.describedBy} aria-invalid=${common.invalid} />`;
  return html`<div class="field"><label>${field.label}${control}</label>${hint}${failure}</div>`;
}

/** The policies as a form for those who may change them. */
export function renderSettingsForm(settings: Settings, errors: FieldErrors, saving: boolean, save: (event: SubmitEvent) => void) {
  return html`<form part="form" novalidate @submit=${save}>
    ${SETTING_FIELDS.map((field) => renderField(field, settings, errors[field.name]))}
    <div class="actions">
      ${errors.form ? html`<p class="failure" role="alert" part="failure">${errors.form}</p>` : ""}
      <button type="submit" class="primary" part="button" ?disabled=${saving}>${saving ? "Saving…" : "Save settings"}</button>
    </div>
  </form>`;
}

/** The policies in words, for those who may read but not change them. */
export function renderSettingsView(settings: Settings) {
  return html`<dl part="list">
    ${SETTING_FIELDS.map((field) => html`<dt>${field.label}</dt><dd>${settingInWords(field, settings)}</dd>`)}
  </dl>`;
}
