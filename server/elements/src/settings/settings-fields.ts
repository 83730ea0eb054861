import type { ResultOf, VariablesOf } from "../graphql/tada";
import type { OrganizationSettingsQuery, UpdateOrganizationSettings } from "./operations";

export type Settings = NonNullable<ResultOf<typeof OrganizationSettingsQuery>["organization"]>["settings"];
export type SettingsInput = NonNullable<VariablesOf<typeof UpdateOrganizationSettings>["input"]["settings"]>;
export type SettingName = keyof Settings;
/** Refusals by the field they are about; `form` for those about no one field. */
export type FieldErrors = Partial<Record<SettingName | "form", string>>;

export interface SettingField {
  name: SettingName;
  kind: "checkbox" | "select" | "number" | "list" | "text";
  label: string;
  hint?: string;
  /** For `select`: each value in words. */
  options?: Record<string, string>;
  /** For `number`: an empty field means null (no limit) rather than a mistake. */
  emptyIsNull?: boolean;
}

/** The organisation's policies in the order a person reads them, with the words the form and the read-only view share. */
export const SETTING_FIELDS: readonly SettingField[] = [
  { name: "apiAccessForNonAdmins", kind: "checkbox", label: "Members without admin rights may create API keys" },
  { name: "requireKeyApproval", kind: "checkbox", label: "Keys made by members who may not manage every key wait for an admin's approval" },
  {
    name: "revealPolicy",
    kind: "select",
    label: "Key secrets",
    options: {
      REVEALABLE: "Can be revealed again, with a reason kept in the audit log",
      SHOW_ONCE: "Are shown once, when created or rotated",
    },
  },
  {
    name: "maxKeyLifetimeDays",
    kind: "number",
    label: "Longest key lifetime (days)",
    hint: "1 to 3650. Leave empty to allow keys that never expire.",
    emptyIsNull: true,
  },
  { name: "inactivityDays", kind: "number", label: "Disable keys unused for (days)", hint: "1 to 3650. Disabled keys are deleted later." },
  {
    name: "expiryWarningDays",
    kind: "list",
    label: "Warn this many days before (days)",
    hint: "Up to 10 different numbers from 1 to 365, separated by commas.",
  },
  {
    name: "agreementVersion",
    kind: "number",
    label: "API agreement version",
    hint: "Raise it to have every member accept the agreement again.",
  },
  {
    name: "agreementText",
    kind: "text",
    label: "API agreement terms",
    hint: "Plain text, up to 20,000 characters. Leave empty to publish none.",
  },
];

/** A setting's value in words, for the read-only view. */
export function settingInWords(field: SettingField, settings: Settings): string {
  const value = settings[field.name];
  if (field.kind === "checkbox") return value ? "Yes" : "No";
  if (field.kind === "select") return field.options?.[String(value)] ?? String(value);
  if (Array.isArray(value)) return value.join(", ");
  if (value === null || value === "") return field.name === "maxKeyLifetimeDays" ? "No limit" : "None";
  return String(value);
}

/** Reads the form into the mutation's input; whatever cannot be sent (not a whole number) is refused here, beside its field. */
export function readSettingsForm(form: HTMLFormElement): { input: SettingsInput; errors: FieldErrors } {
  const data = new FormData(form);
  const input: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  const wholeNumber = (text: string) => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : null);
  for (const field of SETTING_FIELDS) {
    const text = String(data.get(field.name) ?? "").trim();
    if (field.kind === "checkbox") input[field.name] = data.has(field.name);
    else if (field.kind === "select") input[field.name] = text;
    else if (field.kind === "text") input[field.name] = text || null;
    else if (field.kind === "list") {
      const days = text
        ? text
            .split(/[\s,]+/)
            .filter(Boolean)
            .map(wholeNumber)
        : [];
      if (days.some((day) => day === null)) errors[field.name] = "Enter whole numbers of days, separated by commas.";
      else input[field.name] = days;
    } else if (!text && field.emptyIsNull) input[field.name] = null;
    else if (wholeNumber(text) === null) errors[field.name] = "Enter a whole number.";
    else input[field.name] = wholeNumber(text);
  }
  return { input: input as SettingsInput, errors };
}

/**
 * Only what the person changed, so a save does not put back values someone else changed meanwhile
 * (the API keeps every omitted field as it is).
 */
export function changedSettings(input: SettingsInput, loaded: Settings): SettingsInput {
  const current = loaded as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(input).filter(([name, value]) => JSON.stringify(value ?? null) !== JSON.stringify(current[name] ?? null)),
  ) as SettingsInput;
}

/** The server's userErrors placed beside their fields: `["settings", "inactivityDays"]` → `inactivityDays`. */
export function errorsByField(userErrors: ReadonlyArray<{ message: string; field?: readonly string[] | null }>): FieldErrors {
  const errors: FieldErrors = {};
  for (const { message, field } of userErrors) {
    const name = field?.[0] === "settings" ? field[1] : undefined;
    const known = SETTING_FIELDS.find((setting) => setting.name === name);
    // The API prefixes validation messages with the path ("settings.inactivityDays: …"); the field's label says it already.
    const key = known ? known.name : "form";
    const words = known ? message.replace(/^[\w.]+: /, "") : message;
    errors[key] = errors[key] ? `${errors[key]} ${words}` : words;
  }
  return errors;
}
