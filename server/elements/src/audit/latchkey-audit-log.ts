import { css, html } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { FailureCode, LatchkeyFailure, plainWords } from "../core/failure";
import { LatchkeyElement } from "../core/latchkey-element";
import { baseStyles } from "../core/styles";
import { type Actor, type AuditFilters, isoTime, NO_FILTERS, renderFilters } from "./audit-filters";
import { renderAuditTable } from "./audit-table";
import type { AuditEntry } from "./audit-words";
import { AuditActors, AuditLogPage, AuditTargets } from "./operations";

/**
 * An organisation's audit log, newest first: filtered by action, person, object and time, read a page
 * at a time with "Load more". Shown only to viewers who may read the log (`viewerCan.readAuditLog`).
 * @csspart filters - the filter bar; @csspart select, input - its fields
 * @csspart table, row - the log and each entry; @csspart button - every button
 * @csspart failure - a failure in plain words; @csspart notice - the sentence shown to viewers without the right
 */
@customElement("latchkey-audit-log")
export class LatchkeyAuditLog extends LatchkeyElement {
  static override styles = [
    baseStyles,
    css`
      .filters label { margin: 0; }
      .chip { display: flex; gap: 0.5rem; align-items: center; margin: 0; }
      button.link { min-height: 24px; padding: 0 0.4rem; margin-inline-start: 0.25rem; }
    `,
  ];

  /** Entries asked for per page, 1 to 100. */
  @property({ attribute: "page-size", type: Number }) pageSize = 20;
  /** A global ID to show only that object's history (a key's, a webhook's); the viewer can clear it. */
  @property() target = "";

  @state() private allowed: boolean | null = null;
  @state() private entries: AuditEntry[] = [];
  @state() private total = 0;
  @state() private endCursor: string | null = null;
  @state() private names = new Map<string, string | null>();
  @state() private members: Actor[] = [];
  /** Platform keys (the host's backend) seen acting in the log so far: each may be filtered by too. */
  @state() private platformKeys: string[] = [];
  @state() private filters: AuditFilters = { ...NO_FILTERS };
  @state() private targetName = "";
  @state() private loading = false;
  @state() private moreFailure: string | null = null;

  /** Bumped by every new first page, so an answer to an older filter is dropped. */
  #generation = 0;

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has("target")) this.filters = { ...this.filters, targetId: this.target };
  }

  protected override async load(): Promise<void> {
    const organizationId = await this.organizationId();
    await this.loadPage(null);
    if (this.allowed) {
      const { organization } = await this.client.request(AuditActors, { organizationId }).catch(() => ({ organization: null }));
      this.members = (organization?.members.nodes ?? []).map(({ user }) => ({ id: user.id, name: user.name, detail: user.email }));
    }
  }

  /** The first page for the current filters (`after` null), or the page after `after`, appended. */
  private async loadPage(after: string | null): Promise<void> {
    const generation = after ? this.#generation : ++this.#generation;
    const { action, actorId, targetId, since, until } = this.filters;
    this.loading = true;
    try {
      const { organization } = await this.client.request(AuditLogPage, {
        organizationId: await this.organizationId(),
        first: Math.min(Math.max(this.pageSize, 1), 100),
        after,
        actions: action ? [action] : null,
        actorId: actorId || null,
        targetId: targetId || null,
        since: isoTime(since),
        until: isoTime(until),
      });
      if (generation !== this.#generation) return;
      if (!organization) throw new LatchkeyFailure(FailureCode.NOT_FOUND);
      this.allowed = Boolean(organization.viewerCan.readAuditLog && organization.auditLog);
      const log = organization.auditLog;
      if (!log) return;
      await this.learnNames(log.nodes);
      if (generation !== this.#generation) return;
      this.entries = after ? [...this.entries, ...log.nodes] : log.nodes;
      const seen = log.nodes.flatMap((entry) => (entry.actorPlatformKeyId ? [entry.actorPlatformKeyId] : []));
      if (seen.some((id) => !this.platformKeys.includes(id))) this.platformKeys = [...new Set([...this.platformKeys, ...seen])];
      this.total = log.totalCount;
      this.endCursor = log.pageInfo.hasNextPage ? (log.pageInfo.endCursor ?? null) : null;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Looks up the current names of the objects on a page, once each. */
  private async learnNames(entries: readonly AuditEntry[]): Promise<void> {
    const ids = [...new Set(entries.map((entry) => entry.targetId))].filter((id) => !this.names.has(id));
    if (!ids.length) return;
    const { nodes } = await this.client.request(AuditTargets, { ids }).catch(() => ({ nodes: [] }));
    const names = new Map(this.names);
    ids.forEach((id, index) => {
      const node = nodes[index];
      const name = !node ? null : "url" in node ? node.url : "user" in node ? node.user.name : "name" in node ? node.name : null;
      names.set(id, name ?? null);
    });
    this.names = names;
  }

  private actors(): Actor[] {
    return [...this.members, ...this.platformKeys.map((id) => ({ id, name: "Platform key", detail: id }))];
  }

  private async loadMore(): Promise<void> {
    this.moreFailure = null;
    try {
      await this.loadPage(this.endCursor);
    } catch (error) {
      this.moreFailure = plainWords(error);
    }
  }

  private changeFilters(changes: Partial<AuditFilters>, targetName?: string): void {
    this.filters = { ...this.filters, ...changes };
    if (targetName !== undefined) this.targetName = targetName;
    void this.reloadFirstPage();
  }

  private async reloadFirstPage(): Promise<void> {
    try {
      await this.loadPage(null);
      this.failure = null;
    } catch (error) {
      this.failure = plainWords(error);
    }
  }

  override render() {
    const failure = this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : "";
    if (this.allowed === false)
      return html`${failure}<p class="notice-plain" part="notice">You do not have permission to read this organization's audit log.</p>`;
    if (this.allowed === null) return html`${failure}<p class="muted" role="status">${this.failure ? "" : "Loading the audit log…"}</p>`;
    const shown = this.entries.length;
    return html`${failure}
      ${renderFilters(this.filters, this.actors(), this.targetName || this.names.get(this.filters.targetId) || "this object", (changes) => this.changeFilters(changes))}
      <p class="muted" role="status" aria-live="polite">${
        this.loading
          ? "Loading…"
          : shown
            ? `Showing ${shown} of ${this.total} ${this.total === 1 ? "entry" : "entries"}`
            : "No entries match these filters."
      }</p>
      ${shown ? renderAuditTable(this.entries, this.names, (targetId, name) => this.changeFilters({ targetId }, name)) : ""}
      ${
        this.endCursor
          ? html`<div class="actions"><button type="button" part="button" ?disabled=${this.loading} @click=${this.loadMore}>Load more</button></div>`
          : ""
      }
      ${this.moreFailure ? html`<p class="failure" role="alert" part="failure">${this.moreFailure}</p>` : ""}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-audit-log": LatchkeyAuditLog;
  }
}
