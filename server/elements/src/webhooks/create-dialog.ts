import { html } from "lit";
import type { UserError } from "../core/failure";

export interface CreateEndpointInput {
  url: string;
  description: string;
  eventTypes: string[];
}

export interface CreateDialogState {
  /** The event types the server lists (`webhookEventTypes`). */
  eventTypes: readonly string[];
  /** The last attempt's refusals; each is shown beside its field, the rest under the form. */
  errors: readonly UserError[];
  busy: boolean;
  submit(input: CreateEndpointInput): void;
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

function fieldErrors(errors: readonly UserError[], field: string) {
  const mine = errors.filter((error) => error.field?.[0] === field);
  return mine.map((error) => html`<span class="failure" part="failure" id=${`${field}-error`}>${error.message}</span>`);
}

function read(form: HTMLFormElement): CreateEndpointInput {
  const data = new FormData(form);
  return {
    url: String(data.get("url") ?? "").trim(),
    description: String(data.get("description") ?? "").trim(),
    eventTypes: data.getAll("eventTypes").map(String),
  };
}

export function createDialog(state: CreateDialogState) {
  const invalid = (field: string) => state.errors.some((error) => error.field?.[0] === field);
  const general = state.errors.filter((error) => !["url", "eventTypes", "description"].includes(error.field?.[0] ?? ""));
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    state.submit(read(event.target as HTMLFormElement));
  };
  return html`<dialog id="create" part="dialog" aria-labelledby="create-title" @cancel=${state.cancel}>
    <form @submit=${onSubmit} novalidate>
      <h2 id="create-title">Add a webhook endpoint</h2>
      <label>
        URL
        <input name="url" type="url" required autocomplete="url" placeholder="https://example.com/hooks/latchkey"
          aria-invalid=${invalid("url") ? "true" : "false"} aria-describedby="url-error" />
        ${fieldErrors(state.errors, "url")}
      </label>
      <label>
        Description
        <input name="description" type="text" maxlength="500" aria-describedby="description-error" />
        ${fieldErrors(state.errors, "description")}
      </label>
      <fieldset aria-describedby="eventTypes-error">
        <legend>Events to send</legend>
        <label class="check"><input type="checkbox" name="eventTypes" value="*" /> Every event <code>(*)</code></label>
        ${[...groups(state.eventTypes)].map(
          ([entity, types]) => html`<fieldset class="group">
            <legend>${entity} events</legend>
            <label class="check"><input type="checkbox" name="eventTypes" value=${`${entity}.*`} /> Every ${entity} event <code>(${entity}.*)</code></label>
            ${types.map((type) => html`<label class="check"><input type="checkbox" name="eventTypes" value=${type} /> <code>${type}</code></label>`)}
          </fieldset>`,
        )}
        ${fieldErrors(state.errors, "eventTypes")}
      </fieldset>
      ${general.map((error) => html`<p class="failure" role="alert" part="failure">${error.message}</p>`)}
      <div class="actions">
        <button type="button" part="button" @click=${state.cancel}>Cancel</button>
        <button type="submit" part="button" class="primary" ?disabled=${state.busy}>Add endpoint</button>
      </div>
    </form>
  </dialog>`;
}
