import { html, nothing } from "lit";
import { absoluteTime, relativeTime } from "../core/time";
import { dueSoon, expiryWords, inactivityWords } from "./deadlines";
import { type SortColumn, type SortOrder, sortKeys } from "./sorting";
import { type KeyRow, KIND_LABELS, STATE_LABELS } from "./words";

/** Every action a row may offer, in the order its buttons appear; each is shown only when `viewerCan` allows it. */
export type RowAction = "reveal" | "copy" | "rotate" | "disable" | "enable" | "approve" | "revoke";
const ROW_ACTIONS: ReadonlyArray<[RowAction, string]> = [
  ["approve", "Approve"],
  ["reveal", "Reveal"],
  ["copy", "Copy"],
  ["rotate", "Rotate"],
  ["disable", "Disable"],
  ["enable", "Enable"],
  ["revoke", "Revoke"],
];

const COLUMNS: ReadonlyArray<[SortColumn, string]> = [
  ["name", "Name"],
  ["kind", "Kind"],
  ["location", "Location"],
  ["state", "State"],
  ["expires", "Expires"],
  ["lastUsed", "Last used"],
];

export interface KeysTableFacts {
  keys: readonly KeyRow[];
  order: SortOrder | null;
  inactivityDays: number;
  /** The organisation's `expiryWarningDays`: keys due within the longest are marked. */
  warningDays: readonly number[];
  /** A refusal of a row's direct action (disable, enable, approve), shown in that row. */
  rowFailures: Readonly<Record<string, string>>;
  busyKeyId: string | null;
  emptyWords: string;
  onSort(column: SortColumn): void;
  onAction(action: RowAction, key: KeyRow): void;
}

function header([column, label]: [SortColumn, string], order: SortOrder | null, onSort: (column: SortColumn) => void) {
  const sorted = order?.column === column ? order.direction : undefined;
  return html`<th scope="col" aria-sort=${sorted ?? "none"}>
    <button type="button" part="sort-button" @click=${() => onSort(column)}>${label}<span aria-hidden="true">${sorted === "ascending" ? " ▲" : sorted === "descending" ? " ▼" : ""}</span></button>
  </th>`;
}

/** The deadlines, with a marker in words (not colour alone) on a key due within the warning period. */
function deadlines(key: KeyRow, facts: KeysTableFacts) {
  const inactivity = inactivityWords(key, facts.inactivityDays);
  const due = dueSoon(key, facts.inactivityDays, facts.warningDays);
  return html`${due ? html`<span class="due-soon" part="due-soon">${due}</span><br />` : nothing}<span
      title=${key.expiresAt ? absoluteTime(key.expiresAt) : nothing}>${expiryWords(key)}</span>
    ${inactivity ? html`<br /><span class="muted">${inactivity}</span>` : nothing}`;
}

const offeredActions = (key: KeyRow) => ROW_ACTIONS.filter(([action]) => key.viewerCan[action]);

function row(key: KeyRow, facts: KeysTableFacts, withActions: boolean) {
  const offered = offeredActions(key);
  const due = dueSoon(key, facts.inactivityDays, facts.warningDays);
  return html`<tr part=${due ? "row row-due-soon" : "row"} data-key-id=${key.id} class=${due ? "due-soon-row" : ""}>
    <th scope="row">${key.name}<br /><code class="muted">${key.maskedSecret}</code></th>
    <td>${KIND_LABELS[key.kind]}</td>
    <td>${key.location?.name ?? "Whole organization"}</td>
    <td><span part="state state-${key.state.toLowerCase()}">${STATE_LABELS[key.state]}</span></td>
    <td>${deadlines(key, facts)}</td>
    <td>${key.lastUsedAt ? html`<span title=${absoluteTime(key.lastUsedAt)}>${relativeTime(key.lastUsedAt)}</span>` : "never"}</td>
    ${withActions ? actionsCell(key, offered, facts) : nothing}
  </tr>`;
}

function actionsCell(key: KeyRow, offered: ReadonlyArray<[RowAction, string]>, facts: KeysTableFacts) {
  const failure = facts.rowFailures[key.id];
  return html`<td>
      <div class="row-actions">
        ${offered.map(
          ([action, label]) => html`<button type="button" part="button ${action}-button" class=${action === "revoke" ? "danger" : ""}
              aria-label=${`${label} ${key.name}`} ?disabled=${facts.busyKeyId === key.id} @click=${() => facts.onAction(action, key)}>${label}</button>`,
        )}
      </div>
      ${failure ? html`<p class="failure" role="alert" part="failure">${failure}</p>` : nothing}
    </td>`;
}

/**
 * The keys as a compact table with sortable column headers; the order is kept client-side over the
 * loaded keys. The actions column is left out when the viewer may do nothing with any key shown.
 */
export function keysTable(facts: KeysTableFacts) {
  const keys = sortKeys(facts.keys, facts.order);
  const withActions = keys.some((key) => offeredActions(key).length > 0);
  return html`<table part="table">
    <caption class="visually-hidden">API keys</caption>
    <thead>
      <tr>
        ${COLUMNS.map((column) => header(column, facts.order, facts.onSort))}
        ${withActions ? html`<th scope="col">Actions</th>` : nothing}
      </tr>
    </thead>
    <tbody>
      ${keys.length ? keys.map((key) => row(key, facts, withActions)) : html`<tr><td colspan=${COLUMNS.length} class="muted">${facts.emptyWords}</td></tr>`}
    </tbody>
  </table>`;
}
