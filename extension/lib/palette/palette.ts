import type { Failure } from "../failures";
import { KIND_LABELS } from "../popup/words";
import type { CredentialPart, PaletteKey, PaletteOpening } from "../protocol";
import { keyParts } from "./key-parts";

/** What the palette needs from the outside world; its frame wires it to the background. */
export interface PaletteActions {
  search(text: string): Promise<PaletteKey[]>;
  insert(key: PaletteKey, part: CredentialPart, reason: string): Promise<void>;
  copy(key: PaletteKey, part: CredentialPart, reason: string): Promise<{ clearsAfterSeconds: number }>;
  close(): void;
  opening: PaletteOpening;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Renders the palette into its frame: a search box over the matching keys (a combobox, so arrows
 * choose while typing), which half of a two-part key to use, the reason that goes into the audit
 * log, and Insert / Copy. Enter in the search or reason field does the main action; on a button,
 * Enter is that button's own; Escape closes from anywhere.
 */
export function mountPalette(container: HTMLElement, actions: PaletteActions): { focus(): void } {
  const { hasField, partHint, defaultReason } = actions.opening;
  const dialog = element("div", { class: "palette", role: "dialog", "aria-labelledby": "palette-title" });
  const title = element("h1", { class: "title", id: "palette-title" }, "Latchkey keys");
  const search = element("input", {
    class: "search",
    type: "text",
    role: "combobox",
    "aria-label": "Search keys",
    "aria-expanded": "true",
    "aria-controls": "palette-keys",
    "aria-autocomplete": "list",
    autocomplete: "off",
    placeholder: "Search keys…",
    "data-testid": "palette-search",
  });
  const list = element("ul", { class: "keys", id: "palette-keys", role: "listbox", "aria-label": "Keys" });
  const empty = element("p", { class: "empty" }, "No matching active keys.");
  const parts = element("fieldset", { class: "parts", "data-testid": "palette-parts" });
  const reason = element("input", { class: "reason", id: "palette-reason", type: "text", "data-testid": "palette-reason" });
  reason.value = defaultReason;
  const reasonLabel = element("label", { class: "reason-label", for: "palette-reason" }, "Reason (kept in the audit log)");
  const insertButton = element("button", { class: "insert", type: "button", "data-testid": "palette-insert" }, "Insert");
  const copyButton = element("button", { class: "copy", type: "button", "data-testid": "palette-copy" }, "Copy");
  const buttons = element("div", { class: "buttons" });
  buttons.append(...(hasField ? [insertButton] : []), copyButton);
  const status = element("div", { class: "status", role: "status", "data-testid": "palette-status" });
  dialog.append(title, search, list, empty, parts, reasonLabel, reason, buttons);
  if (!hasField)
    dialog.append(element("p", { class: "no-field" }, "To insert, click into a field first, then open the palette again. Copy works now."));
  dialog.append(status);
  container.append(dialog);

  let keys: PaletteKey[] = [];
  let selected = 0;
  /** The half to use when the chosen key has two; null until the field or the user says. */
  let part: CredentialPart | null = null;
  /** Set once a secret was handed out: this opening has had its one secret. */
  let spent = false;
  let searchRun = 0;
  /** The search for what is typed now; Enter waits for it, so typing fast then Enter picks a match of the full text. */
  let searchSettled: Promise<void> = Promise.resolve();

  const say = (text: string, failure?: Failure) => {
    status.textContent = failure ? failure.message : text;
    status.className = failure ? "status failure" : "status";
    if (failure) status.dataset.code = failure.code;
    else delete status.dataset.code;
  };

  const renderParts = () => {
    const key = keys[selected];
    const choices = key ? keyParts(key.kind) : [];
    parts.hidden = choices.length < 2;
    if (parts.hidden) return;
    const legend = element("legend", {}, hasField ? "Insert which part?" : "Copy which part?");
    parts.replaceChildren(
      legend,
      ...choices.map((choice) => {
        const radio = element("input", { type: "radio", name: "part", value: choice.part });
        radio.checked = part === choice.part;
        radio.addEventListener("change", () => {
          part = choice.part;
        });
        const label = element("label", {}, ` ${choice.label}`);
        label.prepend(radio);
        return label;
      }),
    );
  };

  const select = (index: number) => {
    selected = index;
    const key = keys[selected];
    part = key && keyParts(key.kind).length > 1 ? partHint : "secret";
    render();
  };

  const render = () => {
    list.replaceChildren(
      ...keys.map((key, index) => {
        const item = element("li", {
          role: "option",
          id: `palette-key-${index}`,
          "aria-selected": String(index === selected),
          "data-key-id": key.id,
        });
        const where = key.locationName ? `${key.organizationName} · ${key.locationName}` : key.organizationName;
        item.append(
          element("span", { class: "name" }, key.name),
          element("span", { class: "meta" }, `${KIND_LABELS[key.kind] ?? key.kind} · ${where} · ${key.maskedSecret}`),
        );
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          select(index);
        });
        item.addEventListener("dblclick", () => void run(hasField ? "insert" : "copy"));
        return item;
      }),
    );
    empty.hidden = keys.length > 0;
    if (keys[selected]) search.setAttribute("aria-activedescendant", `palette-key-${selected}`);
    else search.removeAttribute("aria-activedescendant");
    list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
    renderParts();
  };

  const refresh = async () => {
    if (spent) return;
    const run = ++searchRun;
    try {
      const found = await actions.search(search.value);
      if (run !== searchRun) return;
      keys = found;
      select(0);
      say(hasField ? "Enter inserts into the field; Escape closes." : "Enter copies; Escape closes.");
    } catch (failure) {
      if (run === searchRun) say("", failure as Failure);
    }
  };

  const run = async (what: "insert" | "copy") => {
    await searchSettled;
    const key = keys[selected];
    if (!key) return;
    if (spent) return say("This palette has handed out its key. Escape closes; open it again for another.");
    if (what === "insert" && !hasField) return;
    if (!part) {
      say(`${KIND_LABELS[key.kind]}: choose which part, then press Enter.`);
      parts.querySelector("input")?.focus();
      return;
    }
    const chosen = part;
    say(what === "insert" ? "Inserting…" : "Copying…");
    try {
      if (what === "insert") {
        // The host fills the field and closes the palette: nothing more to do here.
        await actions.insert(key, chosen, reason.value);
        return;
      }
      const { clearsAfterSeconds } = await actions.copy(key, chosen, reason.value);
      if (chosen === "secret") {
        // One secret per opening. aria-disabled rather than disabled, so focus stays on the button.
        spent = true;
        for (const button of [insertButton, copyButton]) button.setAttribute("aria-disabled", "true");
      }
      const label = keyParts(key.kind).find((candidate) => candidate.part === chosen)?.label ?? "Secret";
      say(
        `Copied the ${label.toLowerCase()}.${clearsAfterSeconds > 0 ? ` The clipboard is cleared in ${clearsAfterSeconds} s.` : ""} Escape closes.`,
      );
    } catch (failure) {
      say("", failure as Failure);
    }
  };

  let debounce: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    searchSettled = new Promise((resolve) => {
      debounce = setTimeout(() => void refresh().finally(resolve), 150);
    });
  });
  insertButton.addEventListener("click", () => void run("insert"));
  copyButton.addEventListener("click", () => void run("copy"));
  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement;
    const inText = target === search || target === reason;
    if (event.key === "Escape") actions.close();
    else if (event.key === "ArrowDown" && target === search && keys.length) select(Math.min(selected + 1, keys.length - 1));
    else if (event.key === "ArrowUp" && target === search && keys.length) select(Math.max(selected - 1, 0));
    // Enter on a button is the button's own click; in a text field or on a part, the main action.
    else if (event.key === "Enter" && (inText || parts.contains(target))) {
      // Enter on a part that arrows have not checked yet means that part.
      if (target instanceof HTMLInputElement && target.type === "radio") {
        target.checked = true;
        part = target.value as CredentialPart;
      }
      void run(hasField ? "insert" : "copy");
    } else return;
    event.preventDefault();
  });

  searchSettled = refresh();
  return { focus: () => search.focus() };
}
