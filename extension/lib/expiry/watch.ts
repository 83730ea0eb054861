import { FailureCode, LatchkeyFailure } from "../failures";
import { request } from "../graphql/client";
import { ExpiringKeyCount, Viewer } from "../graphql/operations";
import { currentConnection } from "../session";
import { badgeCutoff, showExpiringCount, showSignedOut } from "./badge";
import { type KeyEventHandlers, type KeyEvents, subscribeToKeyEvents } from "./key-events";

type SignedInConnection = Awaited<ReturnType<typeof currentConnection>>;

/** Counts, across the user's organisations, the active keys expiring within the badge window. */
export async function countExpiringKeys(now = new Date()): Promise<number> {
  const connection = await currentConnection();
  const { viewer } = await request(connection, Viewer, {});
  const before = badgeCutoff(now).toISOString();
  const counts = await Promise.all(
    viewer.memberships.flatMap((membership) =>
      membership.organization ? [request(connection, ExpiringKeyCount, { organizationId: membership.organization.id, before })] : [],
    ),
  );
  return counts.reduce((sum, { organization }) => sum + (organization?.keys?.totalCount ?? 0), 0);
}

async function organizationIds(connection: SignedInConnection): Promise<string[]> {
  const { viewer } = await request(connection, Viewer, {});
  return viewer.memberships.flatMap((membership) => (membership.organization ? [membership.organization.id] : []));
}

/** The server and socket behind the watch; tests pass their own. */
export interface ExpiryWatchDependencies {
  countExpiringKeys(): Promise<number>;
  organizationIds(connection: SignedInConnection): Promise<string[]>;
  subscribe(connection: SignedInConnection, organizationIds: readonly string[], handlers: KeyEventHandlers): KeyEvents;
}

const serverDependencies: ExpiryWatchDependencies = { countExpiringKeys, organizationIds, subscribe: subscribeToKeyEvents };

const isSessionRefused = (error: unknown) => error instanceof LatchkeyFailure && error.code === FailureCode.SESSION_EXPIRED;

/**
 * Keeps the badge right and notifies each expiry warning: the badge is computed from the keys list
 * (so it is right at start-up, before any event), and recomputed whenever a key event arrives.
 *
 * Each `start` (at start-up, sign-in and sign-out) begins a new generation and closes the previous
 * socket; a start that is overtaken while it awaits the server opens nothing, so overlapping starts
 * never leave a second socket open with an old credential.
 */
export function createExpiryWatch(dependencies: ExpiryWatchDependencies = serverDependencies) {
  let generation = 0;
  let events: KeyEvents | null = null;
  let refreshing: Promise<void> | null = null;

  const signedOut = async () => {
    await stop();
    await showSignedOut();
  };

  const refreshBadge = async () => {
    const mine = generation;
    refreshing ??= dependencies
      .countExpiringKeys()
      .then(
        (count) => (mine === generation ? showExpiringCount(count) : undefined),
        (error: unknown) => (mine !== generation ? undefined : isSessionRefused(error) ? signedOut() : showExpiringCount(0)),
      )
      .finally(() => {
        refreshing = null;
      });
    await refreshing;
  };

  async function stop() {
    generation++;
    refreshing = null;
    const closing = events;
    events = null;
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
    await refreshBadge();
    const ids = await dependencies.organizationIds(connection).catch(() => []);
    if (mine !== generation) return;
    events = dependencies.subscribe(connection, ids, {
      changed: () => void refreshBadge(),
      refused: () => {
        if (mine === generation) void signedOut();
      },
    });
  };

  return { start, stop, refreshBadge };
}
