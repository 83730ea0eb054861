import { html, nothing } from "lit";
import { absoluteTime, relativeTime } from "../core/time";
import { type Endpoint, endpointName } from "./operations";

/** What a row's buttons do; the element runs them and keeps each row's failure. */
export type EndpointAction = "edit" | "pause" | "resume" | "sendTest" | "rotateSecret" | "delete" | "deliveries";

/** A row's failure (in plain words) or notice ("A test event is on its way"), after its last action. */
export interface RowWords {
  failure?: string | null;
  notice?: string | null;
}

export interface EndpointsTableState {
  /** Null while loading. */
  endpoints: readonly Endpoint[] | null;
  /** Holds `webhooks:manage`; without it the server lists nothing, and the table says why. */
  mayManage: boolean;
  /** What each row says, by endpoint ID: a failure in plain words beside its buttons, or a short outcome. */
  said: ReadonlyMap<string, RowWords>;
  /** The endpoint whose action is in flight: its buttons say so (aria-disabled, so focus stays) and wait. */
  busy: string | null;
  act(action: EndpointAction, endpoint: Endpoint): void;
}

const STATE_WORDS: Record<Endpoint["status"], string> = { ENABLED: "Enabled", PAUSED: "Paused", DISABLED: "Disabled" };

function stateCell(endpoint: Endpoint) {
  const failing = endpoint.failingSince
    ? html`<div class="muted" title=${absoluteTime(endpoint.failingSince)}>failing since ${relativeTime(endpoint.failingSince)}</div>`
    : nothing;
  const reason = endpoint.disabledReason ? html`<div class="muted">${endpoint.disabledReason}</div>` : nothing;
  return html`<span class="state state-${endpoint.status.toLowerCase()}" part="state">${STATE_WORDS[endpoint.status]}</span>${reason}${failing}`;
}

/**
 * A button for one action, named with the endpoint so a screen reader's list of buttons is unambiguous;
 * the name starts with the visible text, so speech users can say what they see (WCAG 2.5.3).
 */
function actionButton(state: EndpointsTableState, endpoint: Endpoint, action: EndpointAction, text: string, label: string, kind = "") {
  return html`<button
    type="button"
    part="button"
    class=${kind}
    data-action=${action}
    aria-label=${`${label} ${endpointName(endpoint)}`}
    aria-disabled=${state.busy === endpoint.id ? "true" : "false"}
    @click=${() => state.act(action, endpoint)}
  >
    ${text}
  </button>`;
}

function actions(state: EndpointsTableState, endpoint: Endpoint) {
  const can = endpoint.viewerCan;
  return html`<div class="row-actions">
    ${can.update ? actionButton(state, endpoint, "edit", "Edit", "Edit") : nothing}
    ${can.pause ? actionButton(state, endpoint, "pause", "Pause", "Pause") : nothing}
    ${can.resume ? actionButton(state, endpoint, "resume", "Resume", "Resume") : nothing}
    ${can.sendTest ? actionButton(state, endpoint, "sendTest", "Send test", "Send test to") : nothing}
    ${can.rotateSecret ? actionButton(state, endpoint, "rotateSecret", "Rotate secret", "Rotate secret of") : nothing}
    ${actionButton(state, endpoint, "deliveries", "Deliveries", "Deliveries to")}
    ${can.delete ? actionButton(state, endpoint, "delete", "Delete", "Delete", "danger") : nothing}
  </div>`;
}

export function endpointsTable(state: EndpointsTableState) {
  if (!state.endpoints) return html`<p class="muted" role="status">Loading webhooks…</p>`;
  if (!state.mayManage)
    return html`<p class="muted" part="empty">You may not manage webhooks in this organization: that needs the webhooks:manage permission.</p>`;
  if (!state.endpoints.length) return html`<p class="muted" part="empty">No webhook endpoints yet.</p>`;
  return html`<table part="table">
    <caption class="visually-hidden">Webhook endpoints</caption>
    <thead>
      <tr><th scope="col">Endpoint</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Actions</th></tr>
    </thead>
    <tbody>
      ${state.endpoints.map((endpoint) => {
        const { failure, notice } = state.said.get(endpoint.id) ?? {};
        return html`<tr part="row" data-endpoint=${endpoint.id}>
          <th scope="row">
            <div>${endpoint.description || html`<span class="muted">No description</span>`}</div>
            <code>${endpoint.url}</code>
            <div class="muted">
              ${endpoint.location ? html`for ${endpoint.location.name} · ` : nothing}registered
              ${endpoint.createdBy ? html`by ${endpoint.createdBy.name} ` : nothing}<span title=${absoluteTime(endpoint.createdAt)}
                >${relativeTime(endpoint.createdAt)}</span
              >
            </div>
          </th>
          <td>${endpoint.eventTypes.map((type) => html`<code class="event-type">${type}</code> `)}</td>
          <td>${stateCell(endpoint)}</td>
          <td>
            ${actions(state, endpoint)}
            ${failure ? html`<p class="failure" role="alert" part="failure">${failure}</p>` : nothing}
            <p class="notice" role="status">${notice ?? ""}</p>
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}
