import { html, type PropertyValues } from "lit";
import { customElement, state } from "lit/decorators.js";
import { FailureCode, LatchkeyFailure, plainWords } from "../core/failure";
import { LatchkeyElement } from "../core/latchkey-element";
import { baseStyles } from "../core/styles";
import type { ResultOf } from "../graphql/tada";
import { type ConsoleConfig, readConsoleConfig } from "./console-config";
import { type ConsoleRoute, currentRoute, routeUrl } from "./console-route";
import { consoleStyles } from "./console-styles";
import { CALLBACK_PATH, completeProviderSignIn, ProviderSignInFailure } from "./identity-provider";
import { ConsoleSignOut, ConsoleViewer } from "./operations";
import { CONSOLE_PAGES, type ConsolePage, pageFor } from "./pages";
import { type ConsoleSession, clearSession, readSession, saveSession } from "./session";
import "./console-sign-in";
import "./create-organization";

type Viewer = ResultOf<typeof ConsoleViewer>["viewer"];

/**
 * Latchkey's own console, served at `/`: sign-in, an organisation switcher and a page per element.
 * It uses only the public GraphQL API and the elements, as any host could. The page is in the URL
 * (`/keys?organization=…`), so a reload or a bookmark shows the same page.
 */
@customElement("latchkey-console")
export class LatchkeyConsole extends LatchkeyElement {
  static override styles = [baseStyles, consoleStyles];

  @state() private config: ConsoleConfig = readConsoleConfig(document);
  @state() private session: ConsoleSession | null = null;
  @state() private viewer: Viewer | null = null;
  @state() private route: ConsoleRoute = currentRoute();
  @state() private signInNotice = "";
  @state() private signInFailure = "";
  #focusHeading = false;

  private readonly onPopState = () => {
    this.route = currentRoute();
    this.#focusHeading = true;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener("popstate", this.onPopState);
    if (location.pathname === CALLBACK_PATH) void this.completeCallback();
    else this.useSession(readSession());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener("popstate", this.onPopState);
  }

  private useSession(session: ConsoleSession | null): void {
    if (session) saveSession(session);
    else clearSession();
    this.session = session;
    this.token = session?.token ?? null;
    if (!session) this.viewer = null;
  }

  private async completeCallback(): Promise<void> {
    try {
      const { accessToken, returnTo } = await completeProviderSignIn(this.config.identityProviders, new URL(location.href));
      history.replaceState(null, "", returnTo);
      this.onPopState();
      this.useSession({ token: accessToken, via: "provider" });
    } catch (error) {
      history.replaceState(null, "", "/");
      this.signInFailure = error instanceof ProviderSignInFailure ? error.message : plainWords(error);
    }
  }

  protected override async load(): Promise<void> {
    try {
      this.viewer = (await this.client.request(ConsoleViewer, {})).viewer;
    } catch (error) {
      if (!(error instanceof LatchkeyFailure && error.code === FailureCode.UNAUTHENTICATED)) throw error;
      this.useSession(null);
      this.signInNotice = "Your sign-in has expired. Sign in again.";
    }
  }

  private organizations() {
    return (this.viewer?.memberships ?? []).flatMap((membership) => (membership.organization ? [membership.organization] : []));
  }

  /** Shows `path` for the organisation, as a new history entry (or in place of the current one). */
  private navigate(path: string, organizationId: string, replace = false): void {
    const url = routeUrl({ path, organizationId });
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    this.onPopState();
  }

  private follow(event: MouseEvent, page: ConsolePage, organizationId: string): void {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    this.navigate(page.path, organizationId);
  }

  private async signOut(): Promise<void> {
    // A Latchkey session is revoked on the server; a provider's token is only forgotten here.
    if (this.session?.via === "password") await this.client.request(ConsoleSignOut, {}).catch(() => undefined);
    this.useSession(null);
    this.signInNotice = "You are signed out.";
    this.signInFailure = "";
    history.pushState(null, "", "/");
    this.onPopState();
  }

  private signedIn(event: CustomEvent<ConsoleSession>): void {
    this.signInNotice = "";
    this.signInFailure = "";
    this.useSession(event.detail);
  }

  private async organizationCreated(event: CustomEvent<{ id: string }>): Promise<void> {
    await this.reload();
    this.navigate("/keys", event.detail.id);
  }

  override render() {
    if (!this.session)
      return html`<latchkey-console-sign-in
        .config=${this.config}
        server=${this.server}
        notice=${this.signInNotice}
        failure=${this.signInFailure}
        @latchkey-signed-in=${this.signedIn}
      ></latchkey-console-sign-in>`;
    if (!this.viewer)
      return this.failure
        ? html`<main><p class="failure" role="alert" part="failure">${this.failure}</p>
            <p class="toolbar"><button type="button" @click=${this.reload}>Try again</button>
            <button type="button" @click=${this.signOut}>Sign out</button></p></main>`
        : html`<main><p role="status">Loading your organizations…</p></main>`;
    const organizations = this.organizations();
    const organization = organizations.find(({ id }) => id === this.route.organizationId) ?? organizations[0];
    const page = organization ? pageFor(this.route.path, organization) : null;
    return html`
      <header part="header">
        <span class="brand">Latchkey</span>
        ${
          organization
            ? html`<label for="organization-switcher">Organization</label>
              <select id="organization-switcher" @change=${(event: Event) => this.navigate(page?.path ?? "/keys", (event.target as HTMLSelectElement).value)}>
                ${organizations.map(({ id, name }) => html`<option value=${id} ?selected=${id === organization.id}>${name}</option>`)}
              </select>`
            : ""
        }
        <span>${this.viewer.email}</span>
        <button type="button" part="button" @click=${this.signOut}>Sign out</button>
      </header>
      ${this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : ""}
      ${
        organization && page
          ? html`<div class="layout">
            <nav aria-label="Console pages"><ul>
              ${CONSOLE_PAGES.filter((each) => each.offered(organization)).map(
                (each) => html`<li><a
                  href=${routeUrl({ path: each.path, organizationId: organization.id })}
                  aria-current=${each === page ? "page" : "false"}
                  @click=${(event: MouseEvent) => this.follow(event, each, organization.id)}
                >${each.label}</a></li>`,
              )}
            </ul></nav>
            <main><h1 tabindex="-1">${page.label}</h1>${page.render(organization.id, this.token ?? "")}</main>
          </div>`
          : html`<main><latchkey-console-create-organization
            server=${this.server}
            .token=${this.token}
            @latchkey-organization-created=${this.organizationCreated}
          ></latchkey-console-create-organization></main>`
      }
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const organization = this.organizations().find(({ id }) => id === this.route.organizationId) ?? this.organizations()[0];
    if (!organization) return;
    const page = pageFor(this.route.path, organization);
    document.title = `${page.label} · ${organization.name} · Latchkey`;
    // The URL names what is shown: the first organisation and page when it named none (or one not offered).
    if (page.path !== location.pathname || organization.id !== this.route.organizationId) this.navigate(page.path, organization.id, true);
    if (this.#focusHeading) {
      this.#focusHeading = false;
      this.renderRoot.querySelector<HTMLElement>("main h1")?.focus();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-console": LatchkeyConsole;
  }
}
