import { h } from "../ui/dom";

export interface MenuItem {
  label: string;
  run: () => void;
  destructive?: boolean;
  /** Not an action: an explanation (why something is not offered), shown disabled. */
  note?: boolean;
}

/**
 * A button that opens a menu of actions (WAI-ARIA menu button): arrow keys move, Enter runs, Escape
 * and Tab close it and give focus back to the button; a click elsewhere closes it too.
 */
export function renderMenu(options: { label: string; items: MenuItem[] }): HTMLElement {
  const button = h("button", {
    type: "button",
    class: "more secondary small",
    "aria-haspopup": "menu",
    "aria-expanded": "false",
    "aria-label": options.label,
    title: options.label,
  });
  button.textContent = "⋯";
  const menuItems = options.items.map((item) =>
    h(
      "li",
      {
        role: "menuitem",
        tabindex: -1,
        class: item.destructive ? "destructive" : item.note ? "note" : "",
        "aria-disabled": item.note ? "true" : undefined,
      },
      item.label,
    ),
  );
  const menu = h("ul", { role: "menu", class: "menu", "aria-label": options.label, hidden: true }, ...menuItems);
  const wrapper = h("span", { class: "menu-wrapper" }, button, menu);

  const onOutside = (event: Event) => {
    if (!wrapper.contains(event.target as Node)) close(false);
  };
  const open = (focusIndex = 0) => {
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    document.addEventListener("mousedown", onOutside);
    menuItems[Math.max(0, Math.min(focusIndex, menuItems.length - 1))]?.focus();
  };
  function close(returnFocus: boolean) {
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    document.removeEventListener("mousedown", onOutside);
    if (returnFocus) button.focus();
  }
  const run = (index: number) => {
    const item = options.items[index];
    if (!item || item.note) return;
    close(false);
    item.run();
  };

  button.addEventListener("click", () => (menu.hidden ? open() : close(true)));
  button.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      event.stopPropagation();
      open(event.key === "ArrowUp" ? menuItems.length - 1 : 0);
    }
  });
  menuItems.forEach((item, index) => {
    item.addEventListener("click", () => run(index));
    item.addEventListener("keydown", (event) => {
      const move = (to: number) => menuItems[(to + menuItems.length) % menuItems.length]?.focus();
      event.stopPropagation();
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          return move(index + 1);
        case "ArrowUp":
          event.preventDefault();
          return move(index - 1);
        case "Home":
          event.preventDefault();
          return move(0);
        case "End":
          event.preventDefault();
          return move(menuItems.length - 1);
        case "Enter":
        case " ":
          event.preventDefault();
          return run(index);
        case "Escape":
          event.preventDefault();
          return close(true);
        case "Tab":
          return close(false);
      }
    });
  });
  return wrapper;
}
