import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import type { TestServer } from "./server";

/** A graphql-ws client over a real WebSocket to the server's GraphQL path. */
export function wsClient(
  server: Pick<TestServer, "graphqlUrl">,
  authorization?: string,
  onClose?: (event: { code: number; reason: string }) => void,
): Client {
  return createClient({
    url: server.graphqlUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: false,
    // Connection failures reach the caller through `subscribe` and `closed`; do not also log them.
    onNonLazyError: () => undefined,
    on: onClose
      ? { closed: (event) => onClose({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) }
      : undefined,
  });
}

/** Runs one query or mutation over the socket and returns its single result. */
export function wsExecute(client: Client, query: string, variables: Record<string, unknown> = {}) {
  return new Promise<{ data?: any; errors?: any[] }>((resolve, reject) => {
    let result: { data?: any; errors?: any[] } | undefined;
    client.subscribe(
      { query, variables },
      { next: (value) => (result = value as typeof result), error: reject, complete: () => resolve(result ?? {}) },
    );
  });
}
