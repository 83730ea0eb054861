import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import type { ResponseError, Untyped } from "./graphql-client";
import type { TestServer } from "./server";

/** One result of an operation over the socket. */
type ExecutionResult = { data?: Untyped; errors?: ResponseError[] };

/**
 * A graphql-ws client over a real WebSocket to the server's GraphQL path. `upgradeHeaders` go on
 * the HTTP upgrade request, as a proxy's `X-Forwarded-For` would.
 */
export function wsClient(
  server: Pick<TestServer, "graphqlUrl">,
  authorization?: string,
  onClose?: (event: { code: number; reason: string }) => void,
  upgradeHeaders: Record<string, string> = {},
): Client {
  class WebSocketWithHeaders extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: upgradeHeaders });
    }
  }
  return createClient({
    url: server.graphqlUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocketWithHeaders,
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
  return new Promise<ExecutionResult>((resolve, reject) => {
    let result: ExecutionResult | undefined;
    client.subscribe(
      { query, variables },
      { next: (value) => (result = value as typeof result), error: reject, complete: () => resolve(result ?? {}) },
    );
  });
}

/** Subscribes and collects what arrives; `until` resolves once the predicate holds (or rejects after a timeout). */
export function wsCollect(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const received: Array<ExecutionResult> = [];
  let failure: unknown = null;
  const unsubscribe = client.subscribe(
    { query, variables },
    { next: (value) => received.push(value as ExecutionResult), error: (error) => (failure = error), complete: () => undefined },
  );
  return {
    received,
    get failure() {
      return failure;
    },
    unsubscribe,
    async until(predicate: (items: typeof received) => boolean, timeoutMs = 5000) {
      const started = Date.now();
      while (!predicate(received)) {
        if (failure) throw failure;
        if (Date.now() - started > timeoutMs) throw new Error(`timed out; received ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
  };
}
