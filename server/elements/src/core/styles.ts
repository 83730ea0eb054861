import { css } from "lit";

/** The dark scheme's defaults, in one place for both ways of asking for it. */
const darkColours = css`
  --_text: var(--latchkey-color-text, #e6edf3);
  --_muted: var(--latchkey-color-muted, #9198a1);
  --_background: var(--latchkey-color-background, #0d1117);
  --_surface: var(--latchkey-color-surface, #161b22);
  --_border: var(--latchkey-color-border, #6e7681);
  --_accent: var(--latchkey-color-accent, #4493f8);
  --_on-accent: var(--latchkey-color-on-accent, #0d1117);
  --_danger: var(--latchkey-color-danger, #f85149);
  --_on-danger: var(--latchkey-color-on-danger, #0d1117);
  --_success: var(--latchkey-color-success, #3fb950);
  --_warning: var(--latchkey-color-warning, #d29922);
  --_focus: var(--latchkey-color-focus, #4493f8);
  color-scheme: dark;
`;

/**
 * The look every element shares. Hosts theme it through these custom properties (set them on the
 * element or any ancestor) and style single parts with `::part()`. Light and dark follow the page's
 * `color-scheme` preference, or `theme="light"` / `theme="dark"` on the element. The default colours
 * meet WCAG 2.2 AA contrast (4.5:1 for text, 3:1 for borders of controls) in both schemes, and every
 * control is at least 24 × 24 CSS pixels.
 */
export const baseStyles = css`
  :host {
    --_text: var(--latchkey-color-text, #1f2328);
    --_muted: var(--latchkey-color-muted, #57606a);
    --_background: var(--latchkey-color-background, #ffffff);
    --_surface: var(--latchkey-color-surface, #f6f8fa);
    --_border: var(--latchkey-color-border, #8c959f);
    --_accent: var(--latchkey-color-accent, #0b57d0);
    --_on-accent: var(--latchkey-color-on-accent, #ffffff);
    --_danger: var(--latchkey-color-danger, #b3261e);
    --_on-danger: var(--latchkey-color-on-danger, #ffffff);
    --_success: var(--latchkey-color-success, #1a7f37);
    --_warning: var(--latchkey-color-warning, #9a6700);
    --_focus: var(--latchkey-color-focus, #0b57d0);
    --_radius: var(--latchkey-radius, 6px);
    display: block;
    color-scheme: light;
    color: var(--_text);
    background: var(--_background);
    font: var(--latchkey-font, 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme="light"])) {
      ${darkColours}
    }
  }
  :host([theme="dark"]) {
    ${darkColours}
  }
  [hidden] {
    display: none !important;
  }
  h2,
  h3 {
    margin: 0 0 0.5rem;
    font-size: 1.1em;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .muted {
    color: var(--_muted);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    margin-bottom: 0.75rem;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    min-height: 32px;
    min-width: 32px;
    padding: 0.25rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    cursor: pointer;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  button.danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_on-danger);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.7;
  }
  input,
  select,
  textarea {
    min-height: 32px;
    padding: 0.25rem 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_background);
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  label {
    display: grid;
    gap: 0.25rem;
    margin-bottom: 0.75rem;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: start;
    padding: 0.4rem 0.5rem;
    border-bottom: 1px solid var(--_border);
    vertical-align: top;
  }
  th button {
    all: unset;
    cursor: pointer;
    min-height: 24px;
    font-weight: 600;
  }
  th button:focus-visible {
    outline: 2px solid var(--_focus);
  }
  .failure {
    color: var(--_danger);
    font-weight: 600;
    margin: 0.5rem 0;
  }
  .notice {
    color: var(--_success);
    margin: 0.5rem 0;
  }
  dialog {
    color: var(--_text);
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    max-width: min(36rem, 92vw);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    justify-content: flex-end;
  }
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    word-break: break-all;
  }
`;
