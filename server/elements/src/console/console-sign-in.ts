import { css, html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { LatchkeyClient } from "../core/client";
import { plainWords, type UserError } from "../core/failure";
import { baseStyles } from "../core/styles";
import type { ConsoleConfig } from "./console-config";
import { beginProviderSignIn, ProviderSignInFailure, providerName } from "./identity-provider";
import { ConsoleSignIn, ConsoleSignUp } from "./operations";
import type { ConsoleSession } from "./session";

/**
 * The console's sign-in: email and password (`signIn`, or `signUp` when the server allows it), and a
 * button per identity provider configured for the console. Announces `latchkey-signed-in` with the session.
 */
@customElement("latchkey-console-sign-in")
export class LatchkeyConsoleSignIn extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        max-width: 24rem;
        margin: 3rem auto;
        padding: 1.5rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }
      h1 {
        font-size: 1.4em;
        margin: 0 0 1rem;
      }
      form button,
      .providers button {
        width: 100%;
      }
      .providers {
        display: grid;
        gap: 0.5rem;
        margin: 1rem 0;
      }

    `,
  ];

  @property({ attribute: false }) config: ConsoleConfig = { passwordSignIn: true, passwordSignUp: false, identityProviders: [] };
  @property() server = "";
  /** Said above the form: why the person is here again ("You are signed out."). */
  @property() notice = "";
  /** A failure from outside the form (the provider's callback), said at the top. */
  @property() failure = "";
  @state() private creating = false;
  @state() private errors: readonly UserError[] = [];
  @state() private busy = false;

  private get client() {
    return new LatchkeyClient(this.server, () => null);
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const fields = new FormData(event.target as HTMLFormElement);
    const value = (name: string) => String(fields.get(name) ?? "");
    this.busy = true;
    try {
      const payload = this.creating
        ? (await this.client.request(ConsoleSignUp, { input: { name: value("name"), email: value("email"), password: value("password") } }))
            .signUp
        : (await this.client.request(ConsoleSignIn, { input: { email: value("email"), password: value("password") } })).signIn;
      this.errors = payload.userErrors;
      if (payload.token) this.signedIn({ token: payload.token, via: "password" });
    } catch (error) {
      this.errors = [{ code: "FAILED", message: plainWords(error) }];
    } finally {
      this.busy = false;
    }
  }

  private signedIn(session: ConsoleSession): void {
    this.dispatchEvent(new CustomEvent("latchkey-signed-in", { detail: session, bubbles: true, composed: true }));
  }

  private async withProvider(index: number): Promise<void> {
    const provider = this.config.identityProviders[index];
    if (!provider) return;
    try {
      await beginProviderSignIn(provider, location.pathname === "/callback" ? "/" : location.pathname + location.search);
    } catch (error) {
      this.failure = error instanceof ProviderSignInFailure ? error.message : plainWords(error);
    }
  }

  override render() {
    const { passwordSignIn, passwordSignUp, identityProviders } = this.config;
    const creating = this.creating;
    const message = this.errors.map((error) => error.message).join(" ");
    return html`
      <h1>${creating ? "Create a Latchkey account" : "Sign in to Latchkey"}</h1>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : ""}
      ${this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : ""}
      ${
        passwordSignIn || creating
          ? html`<form @submit=${this.submit} aria-describedby="form-failure">
              ${creating ? html`<label>Name <input name="name" autocomplete="name" required /></label>` : ""}
              <label>Email <input name="email" type="email" autocomplete="username" required /></label>
              <label>Password
                <input name="password" type="password" autocomplete=${creating ? "new-password" : "current-password"} required minlength=${creating ? 10 : 1} />
              </label>
              <p id="form-failure" class="failure" role="alert" part="failure" ?hidden=${!message}>${message}</p>
              <button class="primary" type="submit" ?disabled=${this.busy}>${creating ? "Create account" : "Sign in"}</button>
            </form>`
          : ""
      }
      <div class="providers" ?hidden=${identityProviders.length === 0}>
        ${identityProviders.map(
          (provider, index) =>
            html`<button type="button" @click=${() => this.withProvider(index)}>Sign in with ${providerName(provider)}</button>`,
        )}
      </div>
      ${
        passwordSignUp
          ? html`<p><button type="button" @click=${() => this.toggleCreating()}>
              ${creating ? "I have an account: sign in" : "Create an account"}
            </button></p>`
          : ""
      }
    `;
  }

  private toggleCreating(): void {
    this.creating = !this.creating;
    this.errors = [];
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-console-sign-in": LatchkeyConsoleSignIn;
  }
}
