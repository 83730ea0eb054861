import { css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import { LatchkeyElement } from "../core/latchkey-element";
import "./create-key-dialog";
import type { LatchkeyCreateKeyDialog, OrganizationFacts } from "./create-key-dialog";
import "./key-action-dialog";
import { runDirectAction } from "./direct-actions";
import type { DialogAction, LatchkeyKeyActionDialog } from "./key-action-dialog";
import { followKeys } from "./key-feed";
import { type KeysTableFacts, keysTable, type RowAction } from "./keys-table";
import { KeysPage, MoreKeys } from "./operations";
import { placeKey } from "./rows";
import { nextOrder, type SortOrder } from "./sorting";
import type { KeyRow } from "./words";

/** The dialogs' parts, styled from outside as `latchkey-keys::part(dialog)`. */
const DIALOG_PARTS = "dialog, button, failure, credential, secret";
/** How long typing pauses before the search goes to the server. */
const SEARCH_DELAY_MS = 300;

/**
 * An organisation's keys, or one location's (`location`, a global ID), as a compact sortable,
 * searchable table, marking keys that expire or are disabled for inactivity within the organisation's
 * warning period ("Expires soon"); create, reveal, copy, rotate, disable, enable, revoke and approve, each offered
 * only where `viewerCan` allows it; kept live by the `keyEvents` subscription.
 *
 * Events (bubbling, composed): `latchkey-key-created` and `latchkey-key-changed` after the viewer's
 * own actions, `latchkey-key-event` for every change heard live; `detail` carries the `keyId`.
 * Parts: `toolbar`, `search`, `table`, `row` (and `row-due-soon`), `due-soon`, `state` (and `state-active`, `state-revoked`, ...),
 * `sort-button`, `button` (and `create-button`, `reveal-button`, `revoke-button`, ...), `failure`,
 * and inside the dialogs `dialog`, `credential` and `secret`.
 */
@customElement("latchkey-keys")
export class LatchkeyKeys extends LatchkeyElement {
  static override styles = [
    ...LatchkeyElement.styles,
    css`
      .row-actions { display: flex; flex-wrap: wrap; gap: 0.25rem; }
      .toolbar label { display: flex; gap: 0.5rem; align-items: center; margin: 0; }
      .toolbar .grow { flex: 1; }
      .due-soon { font-weight: 600; color: var(--_warning); }
      tr.due-soon-row > th { box-shadow: inset 3px 0 0 var(--_warning); }
    `,
  ];

  /** Only this location's keys (its global ID); new keys are created there. */
  @property({ reflect: true }) location = "";
  /** `light` or `dark` to override the page's colour scheme; handed on to the dialogs, which have their own shadow roots. */
  @property({ reflect: true }) theme = "";
  @state() private organizationFacts: OrganizationFacts | null = null;
  @state() private keys: KeyRow[] = [];
  @state() private search = "";
  @state() private order: SortOrder | null = null;
  @state() private rowFailures: Record<string, string> = {};
  @state() private busyKeyId: string | null = null;
  @state() private news = "";
  @query("latchkey-create-key-dialog") private createDialog!: LatchkeyCreateKeyDialog;
  @query("latchkey-key-action-dialog") private actionDialog!: LatchkeyKeyActionDialog;
  #live: { organizationId: string; stop: () => void } | null = null;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;

  /**
   * Reads every page of keys (100 a request), showing each as it comes, so sorting orders them all.
   * A newer load (a search typed meanwhile) stops an older one between pages.
   */
  protected override async load(): Promise<void> {
    const generation = ++this.#generation;
    const organizationId = await this.organizationId();
    const filter = { organizationId, locationId: this.location || null, search: this.search || null };
    const { organization } = await this.client.request(KeysPage, { ...filter, after: null });
    if (generation !== this.#generation) return;
    this.organizationFacts = organization;
    this.keys = organization?.keys?.nodes ?? [];
    this.startLive(organizationId);
    let pageInfo = organization?.keys?.pageInfo;
    while (pageInfo?.hasNextPage) {
      const next = (await this.client.request(MoreKeys, { ...filter, after: pageInfo.endCursor })).organization?.keys;
      if (generation !== this.#generation) return;
      // Keys heard live meanwhile are already shown.
      const known = new Set(this.keys.map((key) => key.id));
      this.keys = [...this.keys, ...(next?.nodes ?? []).filter((key) => !known.has(key.id))];
      pageInfo = next?.pageInfo;
    }
  }

  private startLive(organizationId: string): void {
    if (this.#live?.organizationId === organizationId) return;
    this.stopLive();
    const stop = followKeys(this.client, organizationId, {
      key: (keyId, key, type) => {
        this.put(keyId, key);
        this.announce("key-event", { type, keyId });
      },
      missed: () => void this.reload(),
      failure: (message) => {
        this.failure = message;
      },
    });
    this.#live = { organizationId, stop };
  }

  private stopLive(): void {
    this.#live?.stop();
    this.#live = null;
  }

  private put(keyId: string, key: KeyRow | null): void {
    const { rows, news } = placeKey(this.keys, keyId, key, { locationId: this.location, search: this.search });
    this.keys = rows;
    if (news) this.news = news;
  }

  private onSearch(event: InputEvent): void {
    const value = (event.target as HTMLInputElement).value.trim();
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => {
      this.search = value;
      void this.reload();
    }, SEARCH_DELAY_MS);
  }

  private async onAction(action: RowAction, key: KeyRow): Promise<void> {
    if (action === "disable" || action === "enable" || action === "approve") {
      this.busyKeyId = key.id;
      const { key: changed, failure } = await runDirectAction(this.client, action, key);
      this.busyKeyId = null;
      this.rowFailures = { ...this.rowFailures, [key.id]: failure ?? "" };
      if (changed) this.changed(changed, action);
      return;
    }
    await this.actionDialog.open(action as DialogAction, key);
  }

  private changed(key: KeyRow, action: string): void {
    this.put(key.id, key);
    this.announce(`key-${action === "create" ? "created" : "changed"}`, { keyId: key.id, action });
  }

  protected override onInputsChanged(): void {
    this.stopLive();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has("location") && changed.get("location") !== undefined && (this.token || this.getToken)) void this.reload();
  }

  override disconnectedCallback(): void {
    this.stopLive();
    clearTimeout(this.#searchTimer);
    super.disconnectedCallback();
  }

  override render() {
    const organization = this.organizationFacts;
    const facts: KeysTableFacts = {
      keys: this.keys,
      order: this.order,
      inactivityDays: organization?.settings.inactivityDays ?? 90,
      warningDays: organization?.settings.expiryWarningDays ?? [],
      rowFailures: this.rowFailures,
      busyKeyId: this.busyKeyId,
      emptyWords: this.search ? `No keys match “${this.search}”.` : "No keys yet.",
      onSort: (column) => {
        this.order = nextOrder(this.order, column);
      },
      onAction: (action, key) => void this.onAction(action, key),
    };
    const onChanged = (event: CustomEvent<{ key: KeyRow; action: string }>) => this.changed(event.detail.key, event.detail.action);
    const theme = this.theme || nothing;
    return html`
      ${this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : nothing}
      <div class="toolbar" part="toolbar">
        <label class="grow">Search keys <input type="search" part="search" @input=${this.onSearch} /></label>
        ${
          organization?.viewerCan.createKey
            ? html`<button type="button" part="button create-button" class="primary" @click=${() => this.createDialog.open()}>Create key</button>`
            : organization?.viewerCan.createKeyRefusal
              ? html`<p class="muted" part="notice">${organization.viewerCan.createKeyRefusal}</p>`
              : nothing
        }
      </div>
      ${keysTable(facts)}
      <p class="visually-hidden" role="status">${this.news}</p>
      <latchkey-create-key-dialog exportparts=${DIALOG_PARTS} theme=${theme} .client=${this.client} .organization=${organization} .fixedLocationId=${this.location || null}
        @latchkey-key-changed=${onChanged}></latchkey-create-key-dialog>
      <latchkey-key-action-dialog exportparts=${DIALOG_PARTS} theme=${theme} .client=${this.client} @latchkey-key-changed=${onChanged}></latchkey-key-action-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-keys": LatchkeyKeys;
  }
}
