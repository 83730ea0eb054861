import { css, html, LitElement } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { baseStyles } from "./styles";

/**
 * A button that copies `value` to the clipboard and says so ("Copied") for a moment. `label` is its
 * accessible name and should name what is copied ("Copy the secret of Billing sync").
 */
@customElement("latchkey-copy-button")
export class LatchkeyCopyButton extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-block;
        background: transparent;
      }
    `,
  ];

  @property({ attribute: false }) value = "";
  @property() label = "Copy";
  @state() private outcome: "copied" | "failed" | null = null;

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.value);
      this.outcome = "copied";
      this.dispatchEvent(new CustomEvent("latchkey-copied", { bubbles: true, composed: true }));
    } catch {
      this.outcome = "failed";
    }
    setTimeout(() => {
      this.outcome = null;
    }, 2000);
  }

  override render() {
    const text = this.outcome === "copied" ? "Copied" : this.outcome === "failed" ? "Copy failed: select and copy by hand" : "Copy";
    return html`<button type="button" part="button" aria-label=${this.label} @click=${this.copy}>${text}</button>
      <span role="status" class="visually-hidden">${this.outcome === "copied" ? "Copied to the clipboard" : ""}</span>`;
  }
}
