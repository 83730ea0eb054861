import { h, showStatus, withStatus } from "../ui/dom";
import { ask } from "./popup-request";

/** One part of a credential: the public ID or the secret, named as integrators name it. */
export interface CredentialPart {
  label: string;
  value: string;
  sensitive: boolean;
}

/** Copies text; a sensitive one is cleared from the clipboard after the user's delay. */
export function copyPart(part: CredentialPart, status: HTMLElement) {
  return withStatus(status, async () => {
    const { clearsAfterSeconds } = await ask("copyText", { text: part.value, sensitive: part.sensitive });
    showStatus(
      status,
      clearsAfterSeconds > 0
        ? `Copied the ${part.label}; cleared from the clipboard in ${clearsAfterSeconds} s.`
        : `Copied the ${part.label}.`,
    );
  });
}

/**
 * Shows every part of a credential with a copy button each. With `hideAfterSeconds`, the view
 * removes itself after that long, or at Hide; `onHide` says where focus goes then.
 */
export function renderCredential(options: {
  title: string;
  keyName: string;
  parts: CredentialPart[];
  status: HTMLElement;
  note?: string;
  hideAfterSeconds?: number;
  hideLabel?: string;
  onHide: () => void;
}): { element: HTMLElement; focus: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hide = () => {
    clearTimeout(timer);
    if (!element.isConnected) return;
    element.remove();
    options.onHide();
  };
  const copyButtons = options.parts.map((part) =>
    h(
      "button",
      {
        type: "button",
        class: "small",
        "aria-label": `Copy the ${part.label} of ${options.keyName}`,
        onclick: () => void copyPart(part, options.status),
      },
      "Copy",
    ),
  );
  const element = h(
    "section",
    { class: "credential", "aria-label": `${options.title}: ${options.keyName}` },
    h("h3", {}, options.title),
    options.note ? h("p", { class: "note" }, options.note) : null,
    h(
      "dl",
      {},
      ...options.parts.flatMap((part, index) => [
        h("dt", {}, part.label.charAt(0).toUpperCase() + part.label.slice(1)),
        h("dd", {}, h("code", { class: part.sensitive ? "secret-value" : "public-value" }, part.value), copyButtons[index]),
      ]),
    ),
    h(
      "button",
      { type: "button", class: "secondary small", onclick: hide },
      options.hideLabel ?? (options.hideAfterSeconds ? `Hide (hides itself in ${options.hideAfterSeconds} s)` : "Done"),
    ),
  );
  if (options.hideAfterSeconds) timer = setTimeout(hide, options.hideAfterSeconds * 1000);
  return { element, focus: () => copyButtons[copyButtons.length - 1]?.focus() };
}
