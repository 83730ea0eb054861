import { print } from "graphql";
import { type Client, createClient } from "graphql-ws";
import { browser } from "wxt/browser";
import { graphqlWsUrl, request } from "../graphql/client";
import { ExpiringKeyCount, KeyEventsSubscription, KeyExpiringSubscription, Viewer } from "../graphql/operations";
import { currentConnection } from "../session";
import { badgeCutoff, showExpiringCount, warningNotification } from "./badge";

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

/**
 * Keeps the badge right and notifies each expiry warning: the badge is computed from the keys list
 * (so it is right at start-up, before any event), and recomputed whenever a key event arrives.
 */
export function createExpiryWatch() {
  let client: Client | null = null;
  let refreshing: Promise<void> | null = null;

  const refreshBadge = async () => {
    refreshing ??= countExpiringKeys()
      .then(showExpiringCount)
      .catch(() => showExpiringCount(0))
      .finally(() => {
        refreshing = null;
      });
    await refreshing;
  };

  const stop = async () => {
    await client?.dispose();
    client = null;
  };

  const start = async () => {
    await stop();
    let connection: Awaited<ReturnType<typeof currentConnection>>;
    try {
      connection = await currentConnection();
    } catch {
      await showExpiringCount(0);
      return;
    }
    await refreshBadge();
    const { viewer } = await request(connection, Viewer, {}).catch(() => ({ viewer: { memberships: [] } }));
    const own = createClient({
      url: graphqlWsUrl(connection.serverUrl),
      connectionParams: { authorization: `Bearer ${connection.credential}` },
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      // Chromium keeps a service worker alive while its WebSocket has traffic at least every 30 s.
      keepAlive: 20_000,
    });
    client = own;
    for (const membership of viewer.memberships) {
      const organizationId = membership.organization?.id;
      if (!organizationId) continue;
      own.subscribe<{ keyExpiring: { keyId: string; data: Record<string, unknown>; cursor: string } }>(
        { query: print(KeyExpiringSubscription), variables: { organizationId } },
        {
          next: ({ data }) => {
            if (!data) return;
            const { title, message } = warningNotification(data.keyExpiring);
            // One notification per warning: the cursor is unique per event, the key ID says which key.
            void browser.notifications.create(`latchkey-expiring-${data.keyExpiring.keyId}-${data.keyExpiring.cursor}`, {
              type: "basic",
              iconUrl: browser.runtime.getURL("/icon/128.png"),
              title,
              message,
            });
            void refreshBadge();
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      own.subscribe(
        { query: print(KeyEventsSubscription), variables: { organizationId } },
        { next: () => void refreshBadge(), error: () => undefined, complete: () => undefined },
      );
    }
  };

  return { start, stop, refreshBadge };
}
