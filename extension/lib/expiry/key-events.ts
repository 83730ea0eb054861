import { print } from "graphql";
import { CloseCode, createClient } from "graphql-ws";
import type { Connection } from "../graphql/client";
import { graphqlWsUrl } from "../graphql/client";
import { KeyEventsSubscription, KeyExpiringSubscription } from "../graphql/operations";
import type { WarningEvent } from "./warnings";

/** The close codes with which the server refuses the credential: retrying cannot help, signing in can. */
const CREDENTIAL_REFUSED: ReadonlySet<number> = new Set([CloseCode.Unauthorized, CloseCode.Forbidden]);

export function isCredentialRefused(errorOrCloseEvent: unknown): boolean {
  const code = (errorOrCloseEvent as { code?: unknown } | null)?.code;
  return typeof code === "number" && CREDENTIAL_REFUSED.has(code);
}

/** What the subscriptions tell the watch; the watch decides what the badge shows. */
export interface KeyEventHandlers {
  /** Any key event: the badge count may have changed. */
  changed(): void;
  /** An expiry or inactivity warning, to notify once. */
  warning(event: WarningEvent): void;
  /** The socket is back after a disconnection: warnings sent meanwhile were missed. */
  reconnected(): void;
  /** The server closed the socket because it no longer accepts the credential. */
  refused(): void;
}

/** A running set of subscriptions; `dispose` closes the socket for good. */
export interface KeyEvents {
  dispose(): void | Promise<void>;
}

/**
 * Subscribes, per organisation, to expiry warnings and to all key events,
 * over one graphql-ws socket that reconnects after network failures but not after a refused credential.
 */
export function subscribeToKeyEvents(
  connection: Connection & { credential: string },
  organizationIds: readonly string[],
  handlers: KeyEventHandlers,
): KeyEvents {
  let connections = 0;
  const client = createClient({
    url: graphqlWsUrl(connection.serverUrl),
    connectionParams: { authorization: `Bearer ${connection.credential}` },
    lazy: false,
    onNonLazyError: () => undefined,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (errorOrCloseEvent) => !isCredentialRefused(errorOrCloseEvent),
    on: {
      connected: () => {
        if (++connections > 1) handlers.reconnected();
      },
      closed: (event) => {
        if (isCredentialRefused(event)) handlers.refused();
      },
    },
    // Chromium keeps a service worker alive while its WebSocket has traffic at least every 30 s.
    keepAlive: 20_000,
  });
  const ignore = { error: () => undefined, complete: () => undefined };
  for (const organizationId of organizationIds) {
    client.subscribe<{ keyExpiring: { keyId: string; data: Record<string, unknown>; cursor: string } }>(
      { query: print(KeyExpiringSubscription), variables: { organizationId } },
      {
        ...ignore,
        next: ({ data }) => {
          if (!data) return;
          handlers.warning(data.keyExpiring);
          handlers.changed();
        },
      },
    );
    client.subscribe({ query: print(KeyEventsSubscription), variables: { organizationId } }, { ...ignore, next: handlers.changed });
  }
  return client;
}
