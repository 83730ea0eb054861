import { html } from "lit";
import { customElement, state } from "lit/decorators.js";
import { LatchkeyElement } from "../core/latchkey-element";
import { relativeTime } from "../core/time";
import type { ResultOf } from "../graphql/tada";
import { OrganizationKeys } from "./operations";

type Key = NonNullable<NonNullable<ResultOf<typeof OrganizationKeys>["organization"]>["keys"]>["nodes"][number];

/** An organisation's keys as a compact table. */
@customElement("latchkey-keys")
export class LatchkeyKeys extends LatchkeyElement {
  @state() private keys: Key[] | null = null;

  protected override async load(): Promise<void> {
    const { organization } = await this.client.request(OrganizationKeys, { organizationId: await this.organizationId() });
    this.keys = organization?.keys?.nodes ?? [];
  }

  override render() {
    return html`
      ${this.failure ? html`<p class="failure" role="alert" part="failure">${this.failure}</p>` : ""}
      <table part="table">
        <caption class="visually-hidden">API keys</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Expires</th></tr></thead>
        <tbody>
          ${(this.keys ?? []).map(
            (key) => html`<tr>
              <td>${key.name}</td>
              <td>${key.state}</td>
              <td>${key.expiresAt ? `expires ${relativeTime(key.expiresAt)}` : "never expires"}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "latchkey-keys": LatchkeyKeys;
  }
}
