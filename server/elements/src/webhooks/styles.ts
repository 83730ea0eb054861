import { css } from "lit";

/** What the webhook elements add to the shared look: compact action rows, the event picker, attempt lists. */
export const webhooksStyles = css`
  .toolbar h2 {
    margin: 0;
    flex: 1;
  }
  button[aria-disabled="true"] {
    cursor: progress;
    opacity: 0.7;
  }
  .row-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
  }
  .state-enabled {
    color: var(--_success);
    font-weight: 600;
  }
  .state-paused {
    color: var(--_warning);
    font-weight: 600;
  }
  .state-disabled {
    color: var(--_danger);
    font-weight: 600;
  }
  .event-type {
    display: inline-block;
    margin: 0 0.25rem 0.25rem 0;
  }
  fieldset {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    margin: 0 0 0.75rem;
    padding: 0.5rem 0.75rem;
  }
  fieldset.group {
    margin-top: 0.5rem;
  }
  label.check {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    margin: 0;
    min-height: 24px;
  }
  label.check input {
    min-height: 0;
    width: 18px;
    height: 18px;
  }
  ol.attempts {
    margin: 0;
    padding-inline-start: 1.25rem;
  }
  .response {
    font-size: 0.9em;
    color: var(--_muted);
  }
  form.recover {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  form.recover label {
    margin: 0;
  }
  .notice:empty {
    margin: 0;
  }
  dialog form > label input {
    width: 100%;
    box-sizing: border-box;
  }
`;
