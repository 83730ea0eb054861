import { html, nothing } from "lit";
import { absoluteTime, relativeTime } from "../core/time";
import type { Message } from "./operations";

type Attempt = Message["attempts"][number];

const STATUS_WORDS: Record<Message["status"], string> = {
  SUCCEEDED: "Delivered",
  FAILED: "Failed",
  PENDING: "Waiting",
  DELIVERING: "Sending",
  CANCELLED: "Cancelled",
};

const TRIGGER_WORDS: Record<Attempt["trigger"], string> = { SCHEDULED: "scheduled", MANUAL: "redelivery" };

function statusCell(message: Message) {
  const when =
    message.status === "SUCCEEDED" && message.deliveredAt
      ? `delivered ${relativeTime(message.deliveredAt)}`
      : message.status === "PENDING" && message.nextAttemptAt
        ? `next attempt ${relativeTime(message.nextAttemptAt)}`
        : "";
  return html`<span part="state">${STATUS_WORDS[message.status]}</span>${when ? html`<div class="muted">${when}</div>` : nothing}`;
}

function attemptItem(attempt: Attempt) {
  const answer = attempt.responseStatus === null ? "no response" : `HTTP ${attempt.responseStatus}`;
  return html`<li part="attempt">
    <span title=${absoluteTime(attempt.createdAt)}>${relativeTime(attempt.createdAt)}</span>: <strong>${answer}</strong> in
    ${attempt.latencyMs} ms (${TRIGGER_WORDS[attempt.trigger]})
    ${attempt.error ? html`<div class="failure">${attempt.error}</div>` : nothing}
    ${attempt.responseBody ? html`<div><code class="response" title="The start of the response">${attempt.responseBody}</code></div>` : nothing}
  </li>`;
}

/** One message of the delivery log: its event, where it stands, every attempt, and a redeliver button when allowed. */
export function messageRow(message: Message, options: { mayRedeliver: boolean; failure?: string; redeliver(message: Message): void }) {
  const label = `Redeliver the ${message.eventType} message of ${absoluteTime(message.createdAt)}`;
  return html`<tr part="row" data-message=${message.id}>
    <th scope="row">
      <code>${message.eventType}</code>
      <div class="muted" title=${absoluteTime(message.createdAt)}>${relativeTime(message.createdAt)}</div>
    </th>
    <td>${statusCell(message)}</td>
    <td>
      ${
        message.attempts.length
          ? html`<ol class="attempts" aria-label=${`Attempts to deliver the ${message.eventType} message`}>${message.attempts.map(attemptItem)}</ol>`
          : html`<span class="muted">None yet</span>`
      }
    </td>
    <td>
      ${
        options.mayRedeliver
          ? html`<button type="button" part="button" aria-label=${label} ?disabled=${message.status === "DELIVERING"}
              @click=${() => options.redeliver(message)}>Redeliver</button>`
          : nothing
      }
      ${options.failure ? html`<p class="failure" role="alert" part="failure">${options.failure}</p>` : nothing}
    </td>
  </tr>`;
}
