import type { Failure } from "../failures";
import type { PaletteKey } from "../protocol";

/** What the palette needs from the outside world; the content script wires it to the background. */
export interface PaletteActions {
  search(text: string): Promise<PaletteKey[]>;
  insert(key: PaletteKey, reason: string): Promise<void>;
  copy(key: PaletteKey, reason: string): Promise<{ clearsAfterSeconds: number }>;
  close(): void;
  /** Whether a field had focus when the palette opened; without one, only copying is offered. */
  hasField: boolean;
  defaultReason: string;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Renders the palette into its shadow root container: a search box, the matching keys, the reason
 * that goes into the audit log, and Insert / Copy. Keyboard first: arrows choose, Enter inserts,
 * Escape closes.
 */
export function mountPalette(container: HTMLElement, actions: PaletteActions): { focus(): void } {
  const dialog = element("div", { class: "palette", role: "dialog", "aria-label": "Latchkey keys" });
  const title = element("div", { class: "title" }, "Latchkey");
  const search = element("input", { class: "search", type: "search", placeholder: "Search keys…", "aria-label": "Search keys" });
  const list = element("ul", { class: "keys", role: "listbox", "aria-label": "Keys" });
  const reason = element("input", { class: "reason", type: "text", "aria-label": "Reason (kept in the audit log)" });
  reason.value = actions.defaultReason;
  const insertButton = element("button", { class: "insert", type: "button" }, "Insert");
  const copyButton = element("button", { class: "copy", type: "button" }, "Copy");
  insertButton.disabled = !actions.hasField;
  const status = element("div", { class: "status", role: "status" });
  const buttons = element("div", { class: "buttons" });
  buttons.append(insertButton, copyButton);
  const reasonLabel = element("label", { class: "reason-label" }, "Reason (audit log)");
  reasonLabel.append(reason);
  dialog.append(title, search, list, reasonLabel, buttons);
  if (!actions.hasField) {
    dialog.append(element("p", { class: "no-field" }, "To insert, click into a field first, then open the palette again. Copy works now."));
  }
  dialog.append(status);
  container.append(dialog);

  let keys: PaletteKey[] = [];
  let selected = 0;
  /** Set once a secret was copied: this opening has had its one secret. */
  let spent = false;
  let searchRun = 0;
  /** The search for what is typed now; Enter waits for it, so typing fast then Enter picks a match of the full text. */
  let searchSettled: Promise<void> = Promise.resolve();

  const showFailure = (failure: Failure) => {
    status.textContent = failure.message;
    status.className = `status failure ${failure.code}`;
  };
  const showInfo = (text: string) => {
    status.textContent = text;
    status.className = "status";
  };

  const render = () => {
    list.replaceChildren(
      ...keys.map((key, index) => {
        const item = element("li", { role: "option", "aria-selected": String(index === selected), "data-key-id": key.id });
        const where = key.locationName ? `${key.organizationName} · ${key.locationName}` : key.organizationName;
        item.append(element("span", { class: "name" }, key.name), element("span", { class: "meta" }, `${where} · ${key.maskedSecret}`));
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          selected = index;
          render();
        });
        item.addEventListener("dblclick", () => void run("insert"));
        return item;
      }),
    );
    if (!keys.length) list.append(element("li", { class: "empty" }, "No matching active keys"));
  };

  const refresh = async () => {
    if (spent) return;
    const run = ++searchRun;
    try {
      const found = await actions.search(search.value);
      if (run !== searchRun) return;
      keys = found;
      selected = 0;
      render();
      showInfo(actions.hasField ? "Enter inserts into the field; Escape closes." : "Enter copies; Escape closes.");
    } catch (failure) {
      if (run === searchRun) showFailure(failure as Failure);
    }
  };

  const run = async (what: "insert" | "copy") => {
    await searchSettled;
    const key = keys[selected];
    if (!key || spent) return;
    if (what === "insert" && !actions.hasField) return;
    showInfo(what === "insert" ? "Inserting…" : "Copying…");
    try {
      if (what === "insert") {
        await actions.insert(key, reason.value);
        actions.close();
      } else {
        const { clearsAfterSeconds } = await actions.copy(key, reason.value);
        // One secret per opening: the background will not hand out another until the palette reopens.
        insertButton.disabled = copyButton.disabled = true;
        spent = true;
        showInfo(`${clearsAfterSeconds > 0 ? `Copied. The clipboard is cleared in ${clearsAfterSeconds} s.` : "Copied."} Escape closes.`);
      }
    } catch (failure) {
      showFailure(failure as Failure);
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
  dialog.addEventListener("keydown", (event) => {
    // Keys typed in the palette are not the page's business: no page shortcut fires while it is open.
    event.stopPropagation();
    if (event.key === "Escape") actions.close();
    else if (event.key === "ArrowDown" && keys.length) selected = Math.min(selected + 1, keys.length - 1);
    else if (event.key === "ArrowUp" && keys.length) selected = Math.max(selected - 1, 0);
    else if (event.key === "Enter") void run(actions.hasField ? "insert" : "copy");
    else return;
    event.preventDefault();
    render();
  });

  searchSettled = refresh();
  return { focus: () => search.focus() };
}
