import { css } from "lit";

/** What the keys' dialogs add to the shared look: field errors, hints, credential parts, the agreement text. */
export const dialogStyles = css`
  :host {
    display: contents;
  }
  dialog {
    width: min(34rem, 92vw);
  }
  .field-error {
    display: block;
    color: var(--_danger);
    margin: -0.5rem 0 0.75rem;
  }
  .hint {
    display: block;
    margin: -0.5rem 0 0.75rem;
  }
  fieldset {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    margin: 0 0 0.75rem;
  }
  fieldset.scopes {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
    column-gap: 1rem;
  }
  fieldset.scopes legend,
  fieldset.scopes .field-error {
    grid-column: 1 / -1;
  }
  label.inline {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    margin-bottom: 0.25rem;
  }
  label.inline input {
    min-height: 24px;
    min-width: 24px;
    margin: 0;
  }
  .parts dd {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    margin: 0 0 0.75rem;
  }
  .agreement {
    max-height: 14rem;
    overflow: auto;
    white-space: pre-wrap;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.5rem;
    margin-bottom: 0.75rem;
  }
`;
