import type { UserError } from "../core/failure";

/**
 * A mutation's refusals, placed beside the fields they are about: by the field's full path
 * ("contact.email"), else by its first segment ("allowedCidrs" for "allowedCidrs.1"). The rest are
 * shown with the form's actions. Messages are the server's, without the path it puts in front.
 */
export interface PlacedErrors {
  byField: Record<string, string>;
  general: string[];
}

export function placeErrors(errors: readonly UserError[], fields: readonly string[]): PlacedErrors {
  const placed: PlacedErrors = { byField: {}, general: [] };
  for (const error of errors) {
    const path = (error.field ?? []).filter((segment) => segment !== "input");
    const message = sentence(error.message.replace(/^[\w.]+: /, ""));
    const field = [path.join("."), path[0] ?? ""].find((candidate) => candidate && fields.includes(candidate));
    if (field) placed.byField[field] = [placed.byField[field], message].filter(Boolean).join(" ");
    else placed.general.push(message);
  }
  return placed;
}

function sentence(text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

export const NO_ERRORS: PlacedErrors = { byField: {}, general: [] };
