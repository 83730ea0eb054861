import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { eventually } from "./eventually";
import type { ResponseError, Untyped } from "./graphql-client";
import { metricValue } from "./metrics";
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
    until(predicate: (items: typeof received) => boolean, timeoutMs = 5000) {
      return eventually(
        () => {
          if (predicate(received)) return received;
          throw failure ?? new Error(`the predicate does not hold; received ${JSON.stringify(received)}`);
        },
        { timeoutMs },
      );
    },
  };
}

/** Subscriptions the server has registered with its event bus since it started (a counter, never down). */
const SUBSCRIPTIONS_OPENED = "latchkey_event_subscriptions_total";

/**
 * `wsCollect`, resolved once `server` has registered the subscription, so that every event committed
 * afterwards reaches it. graphql-ws acknowledges a connection, not a subscription; the server's
 * counter of registered subscriptions is the signal. Open one subscription at a time on a server.
 */
export async function wsSubscribed(
  server: Pick<TestServer, "url">,
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<ReturnType<typeof wsCollect>> {
  const before = await metricValue(server, SUBSCRIPTIONS_OPENED);
  const stream = wsCollect(client, query, variables);
  await eventually(async () => {
    if (stream.failure) throw stream.failure;
    if ((await metricValue(server, SUBSCRIPTIONS_OPENED)) <= before) throw new Error("the subscription is not registered yet");
  });
  return stream;
}
