import { html, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { FailureCode, LatchkeyFailure, plainWords } from "../core/failure";
import { LatchkeyElement } from "../core/latchkey-element";
import { absoluteTime, relativeTime } from "../core/time";
import { messageRow } from "./message-row";
import { EndpointMessages, endpointName, type Message, RecoverMessages, RedeliverMessage } from "./operations";

/**
 * One webhook endpoint's delivery log, newest first and paged: each message with its attempts
 * (status, latency, the start of the response, what triggered it), redelivery of one message and
 * recovery of everything that failed since a time. Used by `<latchkey-webhooks>`; usable alone.
 */
@customElement("latchkey-webhook-deliveries")
export class LatchkeyWebhookDeliveries extends LatchkeyElement {
  /** The endpoint's global ID. */
  @property({ reflect: true }) endpoint = "";

  @state() private name = "";
  @state() private mayRedeliver = false;
  @state() private messages: Message[] = [];
  @state() private total = 0;
  @state() private nextCursor: string | null = null;
  @state() private failures = new Map<string, string>();
  @state() private notice = "";
  @state() private recoverFailure: string | null = null;

  protected override async load(): Promise<void> {
    const page = await this.page(null);
    this.messages = page;
  }

  /** One page of messages after `cursor`; also refreshes what the endpoint says about itself. */
  private async page(cursor: string | null): Promise<Message[]> {
    const { node } = await this.client.request(EndpointMessages, { id: this.endpoint, after: cursor });
    if (!node || !("messages" in node))
      throw new LatchkeyFailure(FailureCode.NOT_FOUND, "This webhook endpoint was not found, or you may not manage it.");
    this.name = endpointName(node);
    this.mayRedeliver = node.viewerCan.redeliver;
    this.total = node.messages.totalCount;
    this.nextCursor = node.messages.pageInfo.hasNextPage ? (node.messages.pageInfo.endCursor ?? null) : null;
    return node.messages.nodes;
  }

  private async older(): Promise<void> {
    try {
      this.messages = [...this.messages, ...(await this.page(this.nextCursor))];
    } catch (error) {
      this.failure = plainWords(error);
    }
  }

  private async redeliver(message: Message): Promise<void> {
    const failures = new Map(this.failures);
    failures.delete(message.id);
    try {
      const { redeliverWebhookMessage } = await this.client.request(RedeliverMessage, { id: message.id });
      const [refusal] = redeliverWebhookMessage.userErrors;
      if (refusal) failures.set(message.id, refusal.message);
      else {
        this.notice = `The ${message.eventType} message is queued again.`;
        this.announce("webhook-redelivered", { messageId: message.id, endpointId: this.endpoint });
        await this.reload();
      }
    } catch (error) {
      failures.set(message.id, plainWords(error));
    }
    this.failures = failures;
  }

  private async recover(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const value = String(new FormData(event.target as HTMLFormElement).get("since") ?? "");
    const since = new Date(value);
    this.recoverFailure = null;
    if (!value || Number.isNaN(since.getTime())) {
      this.recoverFailure = "Choose the date and time to send failed messages again from.";
      return;
    }
    try {
      const { recoverWebhookMessages } = await this.client.request(RecoverMessages, { id: this.endpoint, since: since.toISOString() });
      const [refusal] = recoverWebhookMessages.userErrors;
      if (refusal) this.recoverFailure = refusal.message;
      else {
        const count = recoverWebhookMessages.count ?? 0;
        this.notice = `${count} ${count === 1 ? "message" : "messages"} since ${absoluteTime(since.toISOString())} queued again.`;
        await this.reload();
      }
    } catch (error) {
      this.recoverFailure = plainWords(error);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The first endpoint loads with the credential (the base class); another one replaces the log.
    if (changed.has("endpoint") && changed.get("endpoint") && (this.token || this.getToken)) void this.reload();
  }

  override render() {
    const name = this.name || "this endpoint";
    return html`<section part="deliveries" aria-labelledby="deliveries-title">
      <h3 id="deliveries-title">Deliveries to ${name}</h3>
      ${this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : nothing}
      <div class="toolbar">
        <button type="button" part="button" aria-label=${`Refresh deliveries to ${name}`} @click=${() => this.reload()}>Refresh</button>
        ${
          this.mayRedeliver
            ? html`<form class="recover" @submit=${this.recover}>
              <label>Send again what failed since
                <input type="datetime-local" name="since" required aria-describedby="recover-failure" /></label>
              <button type="submit" part="button" aria-label=${`Send failed again to ${name}`}>Send failed again</button>
              <span id="recover-failure" class="failure" part="failure">${this.recoverFailure ?? ""}</span>
            </form>`
            : nothing
        }
      </div>
      <p class="notice" role="status">${this.notice}</p>
      ${
        this.messages.length
          ? html`<table part="table">
            <caption class="visually-hidden">Messages sent to ${name}, newest first</caption>
            <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Actions</th></tr></thead>
            <tbody>${this.messages.map((message) =>
              messageRow(message, {
                mayRedeliver: this.mayRedeliver,
                failure: this.failures.get(message.id),
                redeliver: (m) => this.redeliver(m),
              }),
            )}</tbody>
          </table>`
          : html`<p class="muted">Nothing has been sent to ${name} yet.</p>`
      }
      <p class="muted">Showing ${this.messages.length} of ${this.total}${this.messages[0] ? `, newest ${relativeTime(this.messages[0].createdAt)}` : ""}.</p>
      ${this.nextCursor ? html`<button type="button" part="button" @click=${this.older}>Show older deliveries</button>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-webhook-deliveries": LatchkeyWebhookDeliveries;
  }
}
