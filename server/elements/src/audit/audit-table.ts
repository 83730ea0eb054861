import { html } from "lit";
import { absoluteTime, relativeTime } from "../core/time";
import { type AuditEntry, actionInWords, actorInWords, changesInWords, objectTypeInWords } from "./audit-words";

/** An object's name as the log shows it: its current name, or the one the entry recorded; null when neither is known. */
export function objectName(entry: AuditEntry, names: ReadonlyMap<string, string | null>): string | null {
  const recorded = entry.metadata.name;
  return names.get(entry.targetId) ?? (typeof recorded === "string" ? recorded : null);
}

/** The log's rows, newest first: when, who, what, on which object, and why. */
export function renderAuditTable(
  entries: readonly AuditEntry[],
  names: ReadonlyMap<string, string | null>,
  filterByObject: (targetId: string, name: string) => void,
) {
  return html`<table part="table">
    <caption class="visually-hidden">Audit log</caption>
    <thead>
      <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Object</th><th scope="col">Reason</th></tr>
    </thead>
    <tbody>
      ${entries.map((entry) => {
        const actor = actorInWords(entry);
        const kind = objectTypeInWords(entry.targetType);
        const known = objectName(entry, names);
        const name = known ?? `${kind} (deleted or hidden)`;
        return html`<tr part="row">
          <td><time datetime=${entry.occurredAt}>${absoluteTime(entry.occurredAt)}</time><br /><span class="muted">${relativeTime(entry.occurredAt)}</span></td>
          <td>${actor.name}${actor.detail ? html`<br /><span class="muted">${actor.detail}</span>` : ""}</td>
          <td>${actionInWords(entry.action)}${changesInWords(entry.metadata).map((change) => html`<br /><span class="muted">${change}</span>`)}</td>
          <td>
            <span class="muted">${kind}</span> ${known ?? html`<span class="muted">(deleted or hidden)</span>`}
            <button type="button" part="button" class="link" aria-label=${`History of ${name}`} @click=${() => filterByObject(entry.targetId, name)}>History</button>
          </td>
          <td>${entry.reason ?? ""}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}
