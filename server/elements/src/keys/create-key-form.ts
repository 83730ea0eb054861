import { html, nothing } from "lit";
import type { VariablesOf } from "../graphql/tada";
import type { PlacedErrors } from "./field-errors";
import type { CreateKey } from "./operations";
import { KIND_LABELS, PERMISSION_LABELS } from "./words";

/** Every key holds this one; it is shown ticked and cannot be removed. */
const ALWAYS_GRANTED = "ORG_READ";

/** The fields refusals can be placed beside, by their path in `CreateKeyInput`. */
export const CREATE_FIELDS = [
  "name",
  "kind",
  "locationId",
  "scopes",
  "expiresAt",
  "allowedCidrs",
  "contact",
  "contact.name",
  "contact.email",
  "contact.phone",
];

export interface CreateFormFacts {
  locations: ReadonlyArray<{ id: string; name: string }>;
  /** Set when the element shows one location's keys: new keys are made there. */
  fixedLocationId: string | null;
  /** What the viewer holds: a key may be given only these. */
  permissions: readonly string[];
  personal: boolean;
  /** The organisation's longest lifetime for a key, in days; null when keys may never expire. */
  maxLifetimeDays: number | null;
  errors: PlacedErrors;
}

/** A date `days` from today as a date input wants it (the viewer's local calendar). */
function dateInDays(days: number): string {
  const date = new Date(Date.now() + days * 24 * 3600_000);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

/** A labelled control, its hint and its refusal (when there is one) describing it. */
function field(
  path: string,
  label: string,
  control: (describedBy: string, invalid: string) => unknown,
  errors: PlacedErrors,
  hint?: string,
) {
  const id = path.replace(".", "-");
  const message = errors.byField[path];
  return html`<label>${label}${control(hint ? `error-${id} hint-${id}` : `error-${id}`, message ? "true" : "false")}</label>
    ${hint ? html`<span class="hint muted" id="hint-${id}">${hint}</span>` : nothing}
    <span class="field-error" id="error-${id}" part="failure">${message ?? ""}</span>`;
}

/** The new key's form: name, kind, location, scopes, expiry, address allowlist, personal or contact. */
export function createKeyForm(facts: CreateFormFacts, onSubmit: (event: SubmitEvent) => void, onPersonal: (event: Event) => void) {
  const { errors } = facts;
  const grantable = facts.permissions.filter((permission) => permission !== ALWAYS_GRANTED);
  return html`<form id="create-form" novalidate @submit=${onSubmit}>
    ${field("name", "Name", (d, i) => html`<input name="name" autocomplete="off" required aria-describedby=${d} aria-invalid=${i} />`, errors, "What uses it, e.g. “CRM sync”")}
    ${field("kind", "Kind", (d) => html`<select name="kind" aria-describedby=${d}>${Object.entries(KIND_LABELS).map(([value, label]) => html`<option value=${value}>${label}</option>`)}</select>`, errors)}
    ${
      facts.fixedLocationId
        ? nothing
        : field(
            "locationId",
            "Where it works",
            (d) => html`<select name="locationId" aria-describedby=${d}>
            <option value="">Whole organization</option>
            ${facts.locations.map((location) => html`<option value=${location.id}>${location.name}</option>`)}
          </select>`,
            errors,
          )
    }
    <fieldset class="scopes" aria-describedby="error-scopes">
      <legend>What the key may do (only what you may do yourself)</legend>
      <label class="inline"><input type="checkbox" checked disabled />${PERMISSION_LABELS[ALWAYS_GRANTED]}</label>
      ${grantable.map((permission) => html`<label class="inline"><input type="checkbox" name="scopes" value=${permission} />${PERMISSION_LABELS[permission] ?? permission}</label>`)}
      <span class="field-error" id="error-scopes" part="failure">${errors.byField.scopes ?? ""}</span>
    </fieldset>
    ${field(
      "expiresAt",
      "Expires on",
      (d, i) =>
        html`<input type="date" name="expiresAt" min=${dateInDays(1)} max=${facts.maxLifetimeDays ? dateInDays(facts.maxLifetimeDays) : nothing}
          aria-describedby=${d} aria-invalid=${i} />`,
      errors,
      facts.maxLifetimeDays ? `Empty: the longest your organization allows, ${facts.maxLifetimeDays} days` : "Empty: never expires",
    )}
    ${field("allowedCidrs", "Allowed addresses", (d, i) => html`<textarea name="allowedCidrs" rows="2" aria-describedby=${d} aria-invalid=${i}></textarea>`, errors, "Addresses or CIDR blocks, one per line; empty allows any")}
    <label class="inline"><input type="checkbox" name="personal" .checked=${facts.personal} @change=${onPersonal} />Personal key, for my own use (no contact needed)</label>
    <fieldset ?disabled=${facts.personal} aria-describedby="error-contact">
      <legend>Who to contact about this key</legend>
      ${field("contact.name", "Contact name", (d, i) => html`<input name="contact.name" autocomplete="name" aria-describedby=${d} aria-invalid=${i} />`, errors)}
      ${field("contact.email", "Contact email", (d, i) => html`<input type="email" name="contact.email" autocomplete="email" aria-describedby=${d} aria-invalid=${i} />`, errors)}
      ${field("contact.phone", "Contact phone", (d, i) => html`<input type="tel" name="contact.phone" autocomplete="tel" aria-describedby=${d} aria-invalid=${i} />`, errors)}
      <span class="field-error" id="error-contact" part="failure">${errors.byField.contact ?? ""}</span>
    </fieldset>
    ${errors.general.map((message) => html`<p class="failure" role="alert" part="failure">${message}</p>`)}
  </form>`;
}

/** `CreateKeyInput` from the form's values; the server validates (one definition of each rule). */
type CreateKeyInput = VariablesOf<typeof CreateKey>["input"];

export function createKeyInput(form: FormData, organizationId: string, fixedLocationId: string | null): CreateKeyInput {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const personal = form.get("personal") === "on";
  const expiresOn = text("expiresAt");
  return {
    organizationId,
    name: text("name"),
    kind: text("kind") as CreateKeyInput["kind"],
    locationId: fixedLocationId ?? (text("locationId") || null),
    scopes: form.getAll("scopes").map(String) as CreateKeyInput["scopes"],
    expiresAt: expiresOn ? new Date(`${expiresOn}T23:59:59`).toISOString() : null,
    allowedCidrs: text("allowedCidrs")
      .split(/[\s,]+/)
      .filter(Boolean),
    personal,
    contact: personal ? null : { name: text("contact.name"), email: text("contact.email"), phone: text("contact.phone") },
  };
}
