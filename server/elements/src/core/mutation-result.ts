import { html, nothing } from "lit";
import { plainWords, type UserError } from "./failure";

/** A payload as every mutation returns it: the change, or the refusals that left everything as it was. */
export interface Refusable {
  userErrors: readonly UserError[];
}

/**
 * Runs a mutation and returns its refusals: the payload's `userErrors`, or a thrown failure in plain
 * words as a refusal with no field, so a dialog shows both beside what caused them.
 */
export async function refusalsOf(work: () => Promise<Refusable | null | undefined>): Promise<UserError[]> {
  try {
    return [...((await work())?.userErrors ?? [])];
  } catch (error) {
    return [{ code: "FAILURE", message: plainWords(error), field: null }];
  }
}

/** The messages of refusals about `field` (by the input path's last part), or, with `null`, about none of `known`. */
export function refusalAbout(refusals: readonly UserError[], field: string | null, known: readonly string[] = []): string {
  return refusals
    .filter((refusal) => {
      const about = refusal.field?.at(-1) ?? null;
      return field === null ? !about || !known.includes(about) : about === field;
    })
    .map((refusal) => refusal.message)
    .join(" ");
}

/** A refusal shown next to what caused it; `id` lets the field point at it with `aria-describedby`. */
export function failureLine(id: string, message: string) {
  return message ? html`<p class="failure" role="alert" part="failure" id=${id}>${message}</p>` : nothing;
}
