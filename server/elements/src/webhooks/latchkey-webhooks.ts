import { html, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { FailureCode, LatchkeyFailure, plainWords, type UserError } from "../core/failure";
import { LatchkeyElement } from "../core/latchkey-element";
import { baseStyles } from "../core/styles";
import { closeDialog, deleteDialog, secretDialog, showDialog } from "./endpoint-dialogs";
import { type EndpointAction, endpointsTable, type RowWords } from "./endpoints-table";
import "../core/copy-button";
import "./latchkey-webhook-deliveries";
import { ANNOUNCED, createEndpoint, deleteEndpoint, runEndpointAction, updateEndpoint } from "./endpoint-actions";
import { type EndpointFormInput, endpointFormDialog } from "./endpoint-form";
import { type Endpoint, endpointName, OrganizationWebhooks } from "./operations";
import { webhooksStyles } from "./styles";

/**
 * An organisation's webhook endpoints, as the viewer may manage them (their own with `webhooks:manage`,
 * everyone's with `org:manage` too): add one (its signing secret shown once), pause and resume, send
 * a test event, rotate the secret, edit its URL, description and events, delete, and each endpoint's
 * delivery log. Only what the endpoint's
 * `viewerCan` allows is offered.
 *
 * Parts: `table`, `row`, `state`, `button`, `failure`, `empty`, `dialog`, `secret`, and the log's
 * `deliveries` and `attempt`. Events (bubbling, composed), each with `{ endpointId }`:
 * `latchkey-webhook-created`, `-updated`, `-paused`, `-resumed`, `-test-sent`, `-secret-rotated`, `-deleted`, `-redelivered`.
 */
@customElement("latchkey-webhooks")
export class LatchkeyWebhooks extends LatchkeyElement {
  static override styles = [baseStyles, webhooksStyles];

  /** Only the endpoints this user (a global ID) registered, as on a member's page; for admins, who see everyone's. */
  @property({ attribute: "created-by", reflect: true }) createdBy = "";

  @state() private endpoints: Endpoint[] | null = null;
  @state() private eventTypes: string[] = [];
  @state() private mayManage = false;
  @state() private said = new Map<string, RowWords>();
  @state() private busy: string | null = null;
  @state() private createErrors: UserError[] = [];
  @state() private creating = false;
  @state() private secret: { name: string; secret: string; rotated: boolean } | null = null;
  @state() private deleting: Endpoint | null = null;
  @state() private deleteFailure: string | null = null;
  @state() private deliveriesOf: string | null = null;
  @state() private editing: Endpoint | null = null;
  @state() private editErrors: UserError[] = [];
  @state() private saving = false;
  /** Counts openings of the edit form, each of which starts from the endpoint's current values. */
  private editOpenings = 0;

  protected override async load(): Promise<void> {
    const organizationId = await this.organizationId();
    const variables = { organizationId, createdById: this.createdBy || null };
    const { organization, webhookEventTypes } = await this.client.request(OrganizationWebhooks, variables);
    if (!organization) throw new LatchkeyFailure(FailureCode.NOT_FOUND);
    this.eventTypes = webhookEventTypes;
    this.mayManage = organization.viewerCan.manageWebhooks;
    this.endpoints = organization.webhookEndpoints?.nodes ?? [];
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has("createdBy") && changed.get("createdBy") !== undefined && (this.token || this.getToken)) void this.reload();
  }

  private replace(endpoint: Endpoint): void {
    this.endpoints = (this.endpoints ?? []).map((candidate) => (candidate.id === endpoint.id ? endpoint : candidate));
  }

  private async focusAction(id: string, action: EndpointAction): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>(`tr[data-endpoint="${CSS.escape(id)}"] button[data-action="${action}"]`)?.focus();
  }

  /** Replaces what a row says (its failure or its notice), so the next action starts with a clean row. */
  private say(id: string, words: RowWords): void {
    this.said = new Map(this.said).set(id, words);
  }

  private async act(action: EndpointAction, endpoint: Endpoint): Promise<void> {
    this.say(endpoint.id, {});
    if (action === "deliveries") {
      this.deliveriesOf = this.deliveriesOf === endpoint.id ? null : endpoint.id;
      return;
    }
    if (action === "edit") {
      this.editing = endpoint;
      this.editErrors = [];
      this.editOpenings++;
      return void showDialog(this, "edit");
    }
    if (action === "delete") {
      this.deleting = endpoint;
      this.deleteFailure = null;
      return void showDialog(this, "delete");
    }
    if (this.busy === endpoint.id) return;
    this.busy = endpoint.id;
    try {
      const outcome = await runEndpointAction(this.client, action, endpoint);
      if (outcome.failure) return this.say(endpoint.id, { failure: outcome.failure });
      if (outcome.endpoint) this.replace(outcome.endpoint);
      this.say(endpoint.id, { notice: outcome.notice });
      // Pause and Resume replace each other: focus moves to the new one instead of falling to the page.
      if (action === "pause" || action === "resume") void this.focusAction(endpoint.id, action === "pause" ? "resume" : "pause");
      this.announce(ANNOUNCED[action], { endpointId: endpoint.id });
      if (outcome.secret) {
        this.secret = { name: endpointName(endpoint), secret: outcome.secret, rotated: true };
        void showDialog(this, "secret");
      }
    } catch (error) {
      this.say(endpoint.id, { failure: plainWords(error) });
    } finally {
      this.busy = null;
    }
  }

  private async saveEdit(input: EndpointFormInput): Promise<void> {
    const endpoint = this.editing;
    if (!endpoint || this.saving) return;
    this.saving = true;
    this.editErrors = [];
    try {
      const { updated, errors } = await updateEndpoint(this.client, endpoint, input);
      this.editErrors = [...errors];
      if (!updated) return;
      this.replace(updated);
      closeDialog(this, "edit");
      this.say(endpoint.id, { notice: `${endpointName(updated)} was saved.` });
      this.announce("webhook-updated", { endpointId: endpoint.id });
    } catch (error) {
      this.editErrors = [{ code: "UNEXPECTED", message: plainWords(error) }];
    } finally {
      this.saving = false;
    }
  }

  private async create(input: EndpointFormInput): Promise<void> {
    this.creating = true;
    this.createErrors = [];
    try {
      const { created, errors } = await createEndpoint(this.client, await this.organizationId(), input);
      this.createErrors = [...errors];
      if (!created) return;
      this.endpoints = [...(this.endpoints ?? []), created.endpoint];
      closeDialog(this, "create");
      this.announce("webhook-created", { endpointId: created.endpoint.id });
      this.secret = { name: endpointName(created.endpoint), secret: created.secret, rotated: false };
      void showDialog(this, "secret");
    } catch (error) {
      this.createErrors = [{ code: "UNEXPECTED", message: plainWords(error) }];
    } finally {
      this.creating = false;
    }
  }

  private async confirmDelete(): Promise<void> {
    const endpoint = this.deleting;
    if (!endpoint) return;
    try {
      this.deleteFailure = await deleteEndpoint(this.client, endpoint);
      if (this.deleteFailure) return;
      this.endpoints = (this.endpoints ?? []).filter((candidate) => candidate.id !== endpoint.id);
      if (this.deliveriesOf === endpoint.id) this.deliveriesOf = null;
      closeDialog(this, "delete");
      this.announce("webhook-deleted", { endpointId: endpoint.id });
    } catch (error) {
      this.deleteFailure = plainWords(error);
    }
  }

  private startCreate(): void {
    this.createErrors = [];
    this.renderRoot.querySelector<HTMLFormElement>("dialog#create form")?.reset();
    void showDialog(this, "create");
  }

  override render() {
    const shown = this.endpoints?.find((endpoint) => endpoint.id === this.deliveriesOf);
    return html`
      ${this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : nothing}
      <div class="toolbar">
        <h2>Webhooks</h2>
        ${this.mayManage ? html`<button type="button" part="button" class="primary" @click=${this.startCreate}>Add endpoint</button>` : nothing}
      </div>
      ${endpointsTable({
        endpoints: this.endpoints,
        mayManage: this.mayManage,
        said: this.said,
        busy: this.busy,
        act: (action, endpoint) => void this.act(action, endpoint),
      })}
      ${
        shown
          ? html`<latchkey-webhook-deliveries part="deliveries" .server=${this.server} .token=${this.token} .getToken=${this.getToken}
              endpoint=${shown.id} exportparts="table,row,button,failure,state,attempt"></latchkey-webhook-deliveries>`
          : nothing
      }
      ${
        this.mayManage
          ? endpointFormDialog({
              editing: null,
              opening: 0,
              eventTypes: this.eventTypes,
              errors: this.createErrors,
              busy: this.creating,
              submit: (input) => void this.create(input),
              cancel: () => closeDialog(this, "create"),
            })
          : nothing
      }
      ${
        this.editing
          ? endpointFormDialog({
              editing: this.editing,
              opening: this.editOpenings,
              eventTypes: this.eventTypes,
              errors: this.editErrors,
              busy: this.saving,
              submit: (input) => void this.saveEdit(input),
              cancel: () => closeDialog(this, "edit"),
            })
          : nothing
      }
      ${secretDialog(this.secret, () => {
        closeDialog(this, "secret");
        this.secret = null;
      })}
      ${deleteDialog(
        this.deleting ? endpointName(this.deleting) : null,
        this.deleteFailure,
        () => void this.confirmDelete(),
        () => closeDialog(this, "delete"),
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-webhooks": LatchkeyWebhooks;
  }
}
