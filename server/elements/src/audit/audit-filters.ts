import { html } from "lit";
import { live } from "lit/directives/live.js";
import { AUDIT_ACTIONS, type AuditAction, actionInWords } from "./audit-words";

/** What the log is narrowed to; empty strings mean "any". Times are `datetime-local` values, in the viewer's zone. */
export interface AuditFilters {
  action: AuditAction | "";
  actorId: string;
  targetId: string;
  since: string;
  until: string;
}

export const NO_FILTERS: AuditFilters = { action: "", actorId: "", targetId: "", since: "", until: "" };

/** Who may be filtered by: a member (`detail` is their email) or a platform key seen in the log (`detail` is its ID). */
export interface Actor {
  id: string;
  name: string;
  detail: string;
}

/** The filter bar: action, person and time range; the object filter is set from a row and shown here to clear. */
export function renderFilters(
  filters: AuditFilters,
  actors: readonly Actor[],
  targetName: string,
  change: (changes: Partial<AuditFilters>) => void,
) {
  const value = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;
  const filtered = Object.values(filters).some(Boolean);
  return html`<form class="filters toolbar" part="filters" role="search" aria-label="Filter the audit log" @submit=${(event: Event) => event.preventDefault()}>
    <label>Action
      <select part="select" .value=${live(filters.action)} @change=${(event: Event) => change({ action: value(event) as AuditAction | "" })}>
        <option value="">Any action</option>
        ${AUDIT_ACTIONS.map((action) => html`<option value=${action} ?selected=${filters.action === action}>${actionInWords(action)}</option>`)}
      </select>
    </label>
    <label>Who
      <select part="select" .value=${live(filters.actorId)} @change=${(event: Event) => change({ actorId: value(event) })}>
        <option value="">Anyone</option>
        ${actors.map((actor) => html`<option value=${actor.id} ?selected=${filters.actorId === actor.id}>${actor.name} (${actor.detail})</option>`)}
      </select>
    </label>
    <label>From
      <input type="datetime-local" step="1" part="input" .value=${live(filters.since)} @change=${(event: Event) => change({ since: value(event) })} />
    </label>
    <label>Before
      <input type="datetime-local" step="1" part="input" .value=${live(filters.until)} @change=${(event: Event) => change({ until: value(event) })} />
    </label>
    ${
      filters.targetId
        ? html`<p class="chip">About <strong>${targetName}</strong>
            <button type="button" part="button" @click=${() => change({ targetId: "" })} aria-label=${`Show entries about every object, not only ${targetName}`}>Every object</button></p>`
        : ""
    }
    ${filtered ? html`<button type="button" part="button" @click=${() => change(NO_FILTERS)}>Clear filters</button>` : ""}
  </form>`;
}

/** A `datetime-local` value (the viewer's zone) as the API's ISO time, or null when empty or unreadable. */
export function isoTime(local: string): string | null {
  if (!local) return null;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}
