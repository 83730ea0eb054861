import { h } from "../ui/dom";

/**
 * Asks for a reason inline (it goes into the audit log), then runs the action with it. Escape or
 * Cancel closes it without doing anything; the confirm button is never the default focus.
 */
export function renderReasonPrompt(options: {
  label: string;
  /** The button's text, and its accessible name (which includes the text and names the key). */
  confirmText: string;
  confirmLabel: string;
  destructive?: boolean;
  note?: string;
  onSubmit: (reason: string) => Promise<void>;
  onCancel: () => void;
}): { element: HTMLElement; focus: () => void } {
  const reason = h("input", { type: "text", required: true, maxlength: 500, autocomplete: "off" });
  const submit = h("button", { type: "submit", class: options.destructive ? "destructive" : "" }, options.confirmText);
  submit.setAttribute("aria-label", options.confirmLabel);
  const element = h(
    "form",
    {
      class: "reason-prompt",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        try {
          await options.onSubmit(reason.value);
        } finally {
          submit.disabled = false;
        }
      },
      onkeydown: (event: Event) => {
        if ((event as KeyboardEvent).key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          options.onCancel();
        }
      },
    },
    h("label", {}, options.label, reason),
    options.note ? h("p", { class: "note" }, options.note) : null,
    h("div", { class: "buttons" }, submit, h("button", { type: "button", class: "secondary", onclick: options.onCancel }, "Cancel")),
  );
  return { element, focus: () => reason.focus() };
}

/** A yes/no question inside the popup (never the browser's `confirm()`), with Cancel first in focus order. */
export function renderConfirm(options: {
  question: string;
  body?: HTMLElement;
  confirmText: string;
  confirmLabel: string;
  destructive?: boolean;
  onConfirm: () => Promise<unknown>;
  onCancel: () => void;
}): { element: HTMLElement; focus: () => void } {
  const cancel = h("button", { type: "button", class: "secondary", onclick: options.onCancel }, "Cancel");
  const confirm = h(
    "button",
    { type: "submit", class: options.destructive ? "destructive" : "", "aria-label": options.confirmLabel },
    options.confirmText,
  );
  const element = h(
    "form",
    {
      class: "confirm",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        confirm.disabled = true;
        try {
          await options.onConfirm();
        } finally {
          confirm.disabled = false;
        }
      },
      onkeydown: (event: Event) => {
        if ((event as KeyboardEvent).key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          options.onCancel();
        }
      },
    },
    h("p", {}, options.question),
    options.body ?? null,
    h("div", { class: "buttons" }, confirm, cancel),
  );
  return { element, focus: () => (options.body instanceof HTMLSelectElement ? options.body : cancel).focus() };
}
