import { FailureCode, LatchkeyFailure } from "../failures";
import { currentConnection } from "../session";
import { showExpiringCount, showSignedOut } from "./badge";
import { type KeyEventHandlers, type KeyEvents, subscribeToKeyEvents } from "./key-events";
import { countExpiringKeys, fetchMissedWarnings, organizationIds } from "./queries";
import { catchUpWarnings, showWarningOnce, type WarningEvent, type WarningPage } from "./warnings";

type SignedInConnection = Awaited<ReturnType<typeof currentConnection>>;

/** The server and socket behind the watch; tests pass their own. */
export interface ExpiryWatchDependencies {
  countExpiringKeys(connection: SignedInConnection): Promise<number>;
  organizationIds(connection: SignedInConnection): Promise<string[]>;
  fetchMissedWarnings(connection: SignedInConnection, organizationId: string, after: string | null): Promise<WarningPage>;
  subscribe(connection: SignedInConnection, organizationIds: readonly string[], handlers: KeyEventHandlers): KeyEvents;
}

const serverDependencies: ExpiryWatchDependencies = {
  countExpiringKeys: (connection) => countExpiringKeys(connection),
  organizationIds,
  fetchMissedWarnings,
  subscribe: subscribeToKeyEvents,
};

const isSessionRefused = (error: unknown) => error instanceof LatchkeyFailure && error.code === FailureCode.SESSION_EXPIRED;

/**
 * Keeps the badge right and notifies each expiry warning once: the badge is computed from the keys
 * list (so it is right at start-up, before any event), and recomputed whenever a key event arrives.
 * Warnings come live over the socket, and from `organization.keyEvents` for those sent while the
 * socket was down: at each start, each reconnection and each hourly refresh.
 *
 * Each `start` (at start-up, sign-in and sign-out) begins a new generation and closes the previous
 * socket; a start that is overtaken while it awaits the server opens nothing, so overlapping starts
 * never leave a second socket open with an old credential.
 */
export function createExpiryWatch(dependencies: ExpiryWatchDependencies = serverDependencies) {
  let generation = 0;
  /** The open socket, with the credential and organisations it watches. */
  let watching: { connection: SignedInConnection; organizationIds: readonly string[]; events: KeyEvents } | null = null;
  let refreshing: Promise<void> | null = null;

  const signedOut = async () => {
    await stop();
    await showSignedOut();
  };

  const refreshBadge = async (connection: SignedInConnection) => {
    const mine = generation;
    refreshing ??= dependencies
      .countExpiringKeys(connection)
      .then(
        (count) => (mine === generation ? showExpiringCount(count) : undefined),
        (error: unknown) => (mine !== generation ? undefined : isSessionRefused(error) ? signedOut() : showExpiringCount(0)),
      )
      .finally(() => {
        refreshing = null;
      });
    await refreshing;
  };

  // A failed catch-up leaves the cursor where it was, so the next one reads the same warnings again.
  const catchUp = (connection: SignedInConnection, ids: readonly string[]) =>
    catchUpWarnings(ids, (organizationId, after) => dependencies.fetchMissedWarnings(connection, organizationId, after)).catch(
      () => undefined,
    );

  async function stop() {
    generation++;
    refreshing = null;
    const closing = watching?.events;
    watching = null;
    await closing?.dispose();
  }

  const start = async () => {
    const stopping = stop();
    const mine = generation;
    await stopping;
    let connection: SignedInConnection;
    try {
      connection = await currentConnection();
    } catch {
      if (mine === generation) await showExpiringCount(0);
      return;
    }
    await refreshBadge(connection);
    let ids: string[];
    try {
      ids = await dependencies.organizationIds(connection);
    } catch {
      return; // No socket: the hourly refresh starts again.
    }
    if (mine !== generation) return;
    const events = dependencies.subscribe(connection, ids, {
      changed: () => void refreshBadge(connection),
      warning: (event: WarningEvent) => void showWarningOnce(event),
      reconnected: () => void catchUp(connection, ids),
      refused: () => {
        if (mine === generation) void signedOut();
      },
    });
    watching = { connection, organizationIds: ids, events };
    await catchUp(connection, ids);
  };

  /** For the hourly alarm: keys cross the badge's line as time passes, and a warning may have been missed. */
  const refresh = async () => {
    if (!watching) return start();
    const { connection, organizationIds: ids } = watching;
    await Promise.all([refreshBadge(connection), catchUp(connection, ids)]);
  };

  return { start, stop, refresh };
}
