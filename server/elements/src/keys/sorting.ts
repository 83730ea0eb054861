import type { KeyRow } from "./words";

/** The columns a viewer may sort by. */
export type SortColumn = "name" | "kind" | "location" | "state" | "expires" | "lastUsed";
export interface SortOrder {
  column: SortColumn;
  direction: "ascending" | "descending";
}

/** Text columns compare as words; time columns as instants, with "never" after every date. */
const sortValue: Record<SortColumn, (key: KeyRow) => string | number> = {
  name: (key) => key.name.toLowerCase(),
  kind: (key) => key.kind,
  location: (key) => key.location?.name.toLowerCase() ?? "",
  state: (key) => key.state,
  expires: (key) => (key.expiresAt ? Date.parse(key.expiresAt) : Number.POSITIVE_INFINITY),
  lastUsed: (key) => (key.lastUsedAt ? Date.parse(key.lastUsedAt) : Number.NEGATIVE_INFINITY),
};

/** The keys in the chosen order, ties kept in the server's order (oldest first). */
export function sortKeys(keys: readonly KeyRow[], order: SortOrder | null): KeyRow[] {
  if (!order) return [...keys];
  const value = sortValue[order.column];
  const sign = order.direction === "ascending" ? 1 : -1;
  return [...keys].sort((a, b) => {
    const [left, right] = [value(a), value(b)];
    return left < right ? -sign : left > right ? sign : 0;
  });
}

/** The next order after a click on a column's header: ascending first, then descending. */
export function nextOrder(current: SortOrder | null, column: SortColumn): SortOrder {
  if (current?.column === column && current.direction === "ascending") return { column, direction: "descending" };
  return { column, direction: "ascending" };
}
