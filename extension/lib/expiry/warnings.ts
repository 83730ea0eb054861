import { browser } from "wxt/browser";
import { storage } from "wxt/utils/storage";
import { type ExpiryWarning, warningNotification } from "./badge";

/** A `key.expiring` event, as both the subscription and `organization.keyEvents` deliver it. */
export interface WarningEvent extends ExpiryWarning {
  /** Unique per event, and where `organization.keyEvents(after:)` resumes. */
  cursor: string;
}

/** One page of an organisation's warnings after a cursor, oldest first. */
export interface WarningPage {
  warnings: WarningEvent[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export type FetchWarnings = (organizationId: string, after: string | null) => Promise<WarningPage>;

/**
 * Per organisation, the cursor up to which warnings have been read (null: read, but there were none).
 * No entry means never read: the first catch-up then moves to the newest warning without notifying,
 * so a new install does not replay the organisation's history. Not a secret, so `storage.local`.
 */
export const warningCursorsItem = storage.defineItem<Record<string, string | null>>("local:keyWarningCursors", {
  fallback: {},
});

/**
 * Cursors of the warnings last notified. A live warning is shown before the catch-up that reads past
 * it (the stored cursor only moves in catch-ups, so a warning missed between two live ones is still
 * read), and this list keeps that catch-up from showing it again.
 */
export const shownWarningsItem = storage.defineItem<string[]>("local:shownKeyWarnings", { fallback: [] });

/** Far more than the warnings shown live between two catch-ups, which are at most an hour apart. */
const SHOWN_WARNINGS_KEPT = 500;

let queue: Promise<unknown> = Promise.resolve();

/** Live warnings and catch-ups read and write the same items: one at a time, so none is shown twice. */
function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

async function notify(warning: WarningEvent): Promise<void> {
  const { title, message } = warningNotification(warning);
  await browser.notifications.create(`latchkey-expiring-${warning.keyId}-${warning.cursor}`, {
    type: "basic",
    iconUrl: browser.runtime.getURL("/icon/128.png"),
    title,
    message,
  });
}

const remember = (shown: readonly string[], cursor: string) => [...shown, cursor].slice(-SHOWN_WARNINGS_KEPT);

/** Notifies a warning as it arrives, unless a catch-up already has. */
export function showWarningOnce(warning: WarningEvent): Promise<void> {
  return serially(async () => {
    const shown = await shownWarningsItem.getValue();
    if (shown.includes(warning.cursor)) return;
    await notify(warning);
    await shownWarningsItem.setValue(remember(shown, warning.cursor));
  });
}

async function catchUpOrganization(organizationId: string, fetchWarnings: FetchWarnings): Promise<void> {
  const firstRead = !Object.hasOwn(await warningCursorsItem.getValue(), organizationId);
  let after = (await warningCursorsItem.getValue())[organizationId] ?? null;
  let page: WarningPage;
  do {
    page = await fetchWarnings(organizationId, after);
    let shown = await shownWarningsItem.getValue();
    for (const warning of firstRead ? [] : page.warnings) {
      if (shown.includes(warning.cursor)) continue;
      await notify(warning);
      shown = remember(shown, warning.cursor);
    }
    after = page.endCursor ?? after;
    await shownWarningsItem.setValue(shown);
    // Saved page by page, so a failure halfway neither loses nor repeats warnings; a first read
    // saves only at the end, or the next catch-up would replay the rest of the history.
    if (!firstRead || !page.hasNextPage) {
      await warningCursorsItem.setValue({ ...(await warningCursorsItem.getValue()), [organizationId]: after });
    }
  } while (page.hasNextPage);
}

/**
 * Notifies the warnings each organisation sent since the stored cursor, each once, and moves the
 * cursor past them: what the socket missed while the worker was stopped, offline or closed.
 */
export function catchUpWarnings(organizationIds: readonly string[], fetchWarnings: FetchWarnings): Promise<void> {
  return serially(async () => {
    for (const organizationId of organizationIds) await catchUpOrganization(organizationId, fetchWarnings);
  });
}
