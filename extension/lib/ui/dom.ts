type Child = Node | string | null | undefined | false;

/** Creates an element with attributes and children; `on*` functions become event listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | number | ((event: Event) => void) | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") node.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** Shows a failure (or a confirmation) in a status element that screen readers announce. */
export function showStatus(target: HTMLElement, text: string, kind: "info" | "failure" = "info", code?: string): void {
  target.textContent = text;
  // Only the outcome's classes change: a status line may carry classes of its own.
  target.classList.remove("info", "failure", "loading");
  target.classList.add("status", kind);
  if (code) target.dataset.code = code;
  else delete target.dataset.code;
}

/** Empties a status line, so no earlier outcome is read as the current one. */
export function clearStatus(target: HTMLElement): void {
  target.textContent = "";
  target.classList.remove("info", "failure", "loading");
  delete target.dataset.code;
}

/** Runs an action, showing its failure in `status` instead of losing it. */
export async function withStatus<T>(status: HTMLElement, action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    const failure = error as { code?: string; message?: string };
    showStatus(status, failure.message ?? "Something went wrong.", "failure", failure.code);
    return undefined;
  }
}

export function formatDate(value: string | null | undefined, empty = "never"): string {
  if (!value) return empty;
  return new Date(value).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
