import { type KeyRow, STATE_LABELS } from "./words";

/** What the element shows: one location's keys or all, with names containing the search text. */
export interface RowFilter {
  locationId: string;
  search: string;
}

/**
 * The rows after a key changed (or was removed: `key` null): put in its row, or a new one, when it
 * belongs in this view; removed otherwise. `news` says what a screen reader should hear, since a
 * row that changes by itself is otherwise news only to the eye.
 */
export function placeKey(
  rows: readonly KeyRow[],
  keyId: string,
  key: KeyRow | null,
  filter: RowFilter,
): { rows: KeyRow[]; news: string | null } {
  const belongs =
    key && (!filter.locationId || key.location?.id === filter.locationId) && key.name.toLowerCase().includes(filter.search.toLowerCase());
  const previous = rows.find((known) => known.id === keyId);
  if (!belongs) return { rows: previous ? rows.filter((known) => known.id !== keyId) : [...rows], news: null };
  if (!previous) return { rows: [...rows, key], news: `${key.name} was added.` };
  return {
    rows: rows.map((known) => (known.id === keyId ? key : known)),
    news: previous.state === key.state ? null : `${key.name} is now ${STATE_LABELS[key.state].toLowerCase()}.`,
  };
}
