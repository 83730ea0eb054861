import { html } from "lit";
import { keyed } from "lit/directives/keyed.js";
import type { UserError } from "../core/failure";
import type { Endpoint } from "./operations";

export interface EndpointFormInput {
  url: string;
  description: string;
  eventTypes: string[];
}

export interface EndpointFormState {
  /** The endpoint being edited, whose values the form starts with; null to add a new one. */
  editing: Endpoint | null;
  /** Changes with each opening of the edit form, so it starts from the endpoint's values, not from what was typed last time. */
  opening: number;
  /** The event types the server lists (`webhookEventTypes`). */
  eventTypes: readonly string[];
  /** The last attempt's refusals; each is shown beside its field, the rest under the form. */
  errors: readonly UserError[];
  busy: boolean;
  submit(input: EndpointFormInput): void;
  cancel(): void;
}

/** `key.created` → "key": the groups of the picker, with one "every … event" box per group. */
function groups(eventTypes: readonly string[]): Map<string, string[]> {
  const byEntity = new Map<string, string[]>();
  for (const type of eventTypes) {
    const entity = type.split(".")[0] ?? type;
    byEntity.set(entity, [...(byEntity.get(entity) ?? []), type]);
  }
  return byEntity;
}

function fieldErrors(errors: readonly UserError[], field: string, prefix: string) {
  const mine = errors.filter((error) => error.field?.[0] === field);
  return mine.map((error) => html`<span class="failure" part="failure" id=${`${prefix}${field}-error`}>${error.message}</span>`);
}

function read(form: HTMLFormElement): EndpointFormInput {
  const data = new FormData(form);
  return {
    url: String(data.get("url") ?? "").trim(),
    description: String(data.get("description") ?? "").trim(),
    eventTypes: data.getAll("eventTypes").map(String),
  };
}

/**
 * The form that adds an endpoint (dialog `#create`) or edits one (dialog `#edit`, starting from the
 * endpoint's URL, description and event types). IDs of the edit form's error messages start with
 * `edit-`, so the two forms, both in the shadow root, never share one.
 */
export function endpointFormDialog(state: EndpointFormState) {
  const editing = state.editing;
  const [id, prefix] = editing ? ["edit", "edit-"] : ["create", ""];
  const invalid = (field: string) => state.errors.some((error) => error.field?.[0] === field);
  const general = state.errors.filter((error) => !["url", "eventTypes", "description"].includes(error.field?.[0] ?? ""));
  const checked = (value: string) => !!editing?.eventTypes.includes(value);
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    state.submit(read(event.target as HTMLFormElement));
  };
  const form = html`<form @submit=${onSubmit} novalidate>
    <h2 id=${`${id}-title`}>${editing ? "Edit webhook endpoint" : "Add a webhook endpoint"}</h2>
    <label>
      URL
      <input name="url" type="url" required autocomplete="url" placeholder="https://example.com/hooks/latchkey" value=${editing?.url ?? ""}
        aria-invalid=${invalid("url") ? "true" : "false"} aria-describedby=${`${prefix}url-error`} />
      ${fieldErrors(state.errors, "url", prefix)}
    </label>
    <label>
      Description
      <input name="description" type="text" maxlength="500" value=${editing?.description ?? ""} aria-describedby=${`${prefix}description-error`} />
      ${fieldErrors(state.errors, "description", prefix)}
    </label>
    <fieldset aria-describedby=${`${prefix}eventTypes-error`}>
      <legend>Events to send</legend>
      <label class="check"><input type="checkbox" name="eventTypes" value="*" ?checked=${checked("*")} /> Every event <code>(*)</code></label>
      ${[...groups(state.eventTypes)].map(
        ([entity, types]) => html`<fieldset class="group">
          <legend>${entity} events</legend>
          <label class="check"><input type="checkbox" name="eventTypes" value=${`${entity}.*`} ?checked=${checked(`${entity}.*`)} /> Every ${entity} event <code>(${entity}.*)</code></label>
          ${types.map(
            (type) =>
              html`<label class="check"><input type="checkbox" name="eventTypes" value=${type} ?checked=${checked(type)} /> <code>${type}</code></label>`,
          )}
        </fieldset>`,
      )}
      ${fieldErrors(state.errors, "eventTypes", prefix)}
    </fieldset>
    ${general.map((error) => html`<p class="failure" role="alert" part="failure">${error.message}</p>`)}
    <div class="actions">
      <button type="button" part="button" @click=${state.cancel}>Cancel</button>
      <button type="submit" part="button" class="primary" ?disabled=${state.busy}>${editing ? "Save changes" : "Add endpoint"}</button>
    </div>
  </form>`;
  return html`<dialog id=${id} part="dialog" aria-labelledby=${`${id}-title`} @cancel=${state.cancel}>
    ${editing ? keyed(state.opening, form) : form}
  </dialog>`;
}

/** What an edit changes: only the fields the person changed, so it does not undo someone else's change to another. */
export function changesOf(endpoint: Endpoint, input: EndpointFormInput): Partial<EndpointFormInput> {
  const changes: Partial<EndpointFormInput> = {};
  if (input.url !== endpoint.url) changes.url = input.url;
  if (input.description !== endpoint.description) changes.description = input.description;
  const same =
    input.eventTypes.length === endpoint.eventTypes.length && input.eventTypes.every((type) => endpoint.eventTypes.includes(type));
  if (!same) changes.eventTypes = input.eventTypes;
  return changes;
}
