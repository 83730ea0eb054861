import { html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { LatchkeyClient } from "../core/client";
import { plainWords } from "../core/failure";
import { baseStyles } from "../core/styles";
import { ConsoleCreateOrganization } from "./operations";

/** Creates an organisation (the viewer becomes its Owner); announces `latchkey-organization-created` with its ID. */
@customElement("latchkey-console-create-organization")
export class LatchkeyConsoleCreateOrganization extends LitElement {
  static override styles = [baseStyles];

  @property() server = "";
  @property({ attribute: false }) token: string | null = null;
  @state() private failure = "";
  @state() private busy = false;

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const name = String(new FormData(event.target as HTMLFormElement).get("name") ?? "");
    this.busy = true;
    try {
      const client = new LatchkeyClient(this.server, () => this.token);
      const { createOrganization } = await client.request(ConsoleCreateOrganization, { input: { name } });
      this.failure = createOrganization.userErrors.map((error) => error.message).join(" ");
      const created = createOrganization.organization;
      if (created && !this.failure)
        this.dispatchEvent(new CustomEvent("latchkey-organization-created", { detail: created, bubbles: true, composed: true }));
    } catch (error) {
      this.failure = plainWords(error);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<form @submit=${this.submit}>
      <h2>Create an organization</h2>
      <p class="muted">You are not a member of any organization yet. Create one to hold your keys; you will be its Owner.</p>
      <label>Organization name
        <input name="name" required autocomplete="organization" aria-describedby="name-failure" aria-invalid=${this.failure ? "true" : "false"} />
      </label>
      <p id="name-failure" class="failure" role="alert" part="failure" ?hidden=${!this.failure}>${this.failure}</p>
      <button class="primary" type="submit" ?disabled=${this.busy}>Create organization</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-console-create-organization": LatchkeyConsoleCreateOrganization;
  }
}
