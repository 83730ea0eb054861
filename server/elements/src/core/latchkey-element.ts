import { LitElement, type PropertyValues } from "lit";
import { property, state } from "lit/decorators.js";
import { LatchkeyClient, type TokenSource } from "./client";
import { FailureCode, LatchkeyFailure, plainWords } from "./failure";
import { OrganizationByExternalId } from "./operations";
import { baseStyles } from "./styles";

/** The server that served this bundle: the default for `server`, so a console or a host page need not repeat it. */
const BUNDLE_ORIGIN = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return "";
  }
})();

/**
 * What every Latchkey element shares: the server, the organisation (a global ID, or the host's own
 * tenant ID as `organization-external-id`), the viewer's credential (`token`, or `getToken()` for a
 * host that refreshes its identity provider's token), a client for both, and a failure to show.
 * Subclasses implement `load()`; it runs again whenever the server, organisation or credential changes.
 */
export abstract class LatchkeyElement extends LitElement {
  static override styles = [baseStyles];

  /** Latchkey's base URL; defaults to the origin this bundle was served from. */
  @property({ reflect: true }) server = BUNDLE_ORIGIN;
  /** The organisation's global ID. */
  @property({ reflect: true }) organization = "";
  /** The host product's own ID for the organisation, resolved by `organizationByExternalId`. */
  @property({ attribute: "organization-external-id", reflect: true }) organizationExternalId = "";
  /** The viewer's bearer credential: a Latchkey session, an API key or an identity provider's access token. */
  @property({ attribute: false }) token: string | null = null;
  /** Asked before every request and connection instead of `token`, so a refreshed token is used at once. */
  @property({ attribute: false }) getToken: TokenSource | null = null;

  /** The failure of the last load, in plain words, shown at the top of the element. */
  @state() protected failure: string | null = null;

  #client: LatchkeyClient | null = null;
  #resolved: { key: string; id: string } | null = null;

  protected get client(): LatchkeyClient {
    if (!this.#client || this.#client.serverUrl !== this.server) {
      this.#client?.dispose();
      this.#client = new LatchkeyClient(this.server, () => (this.getToken ? this.getToken() : this.token));
    }
    return this.#client;
  }

  /** The organisation's global ID, resolving the host's external ID once per value. */
  protected async organizationId(): Promise<string> {
    if (this.organization) return this.organization;
    const externalId = this.organizationExternalId;
    if (!externalId)
      throw new LatchkeyFailure(
        FailureCode.NOT_FOUND,
        "No organization is set: give the element an `organization` or `organization-external-id`.",
      );
    if (this.#resolved?.key === externalId) return this.#resolved.id;
    const { organizationByExternalId } = await this.client.request(OrganizationByExternalId, { externalId });
    if (!organizationByExternalId) throw new LatchkeyFailure(FailureCode.NOT_FOUND);
    this.#resolved = { key: externalId, id: organizationByExternalId.id };
    return organizationByExternalId.id;
  }

  /** Loads (or reloads) what the element shows. Failures are caught by `reload()` and shown. */
  protected abstract load(): Promise<void>;

  /** Runs `load()`, showing its failure in plain words instead of throwing. */
  async reload(): Promise<void> {
    try {
      await this.load();
      this.failure = null;
    } catch (error) {
      this.failure = plainWords(error);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const inputs = ["server", "organization", "organizationExternalId", "token", "getToken"] as const;
    if (inputs.some((name) => changed.has(name)) && (this.token || this.getToken)) {
      this.onInputsChanged();
      void this.reload();
    }
  }

  /** Called before a reload caused by new inputs: elements with live subscriptions restart them here. */
  protected onInputsChanged(): void {}

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page: the client was disposed on disconnection, so live updates start again.
    if (this.hasUpdated && (this.token || this.getToken)) {
      this.onInputsChanged();
      void this.reload();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#client?.dispose();
    this.#client = null;
  }

  /** Announces a change the element made, for a host that keeps other views in step. */
  protected announce(type: string, detail: Record<string, unknown>): void {
    this.dispatchEvent(new CustomEvent(`latchkey-${type}`, { detail, bubbles: true, composed: true }));
  }
}
