import { print } from "@0no-co/graphql.web";
import type { TadaDocumentNode } from "gql.tada";
import { type Client, createClient } from "graphql-ws";
import { FailureCode, LatchkeyFailure } from "./failure";

/** Where the viewer's credential comes from: a fixed token, or a callback a host uses to refresh its identity provider's token. */
export type TokenSource = () => Promise<string | null | undefined> | string | null | undefined;

interface GraphQLResponse<Result> {
  data?: Result | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** A failure for a GraphQL error code, in the words a person needs. */
function failureFor(code: string | undefined, message: string): LatchkeyFailure {
  if (code === "UNAUTHENTICATED") return new LatchkeyFailure(FailureCode.UNAUTHENTICATED);
  if (code === "FORBIDDEN") return new LatchkeyFailure(FailureCode.FORBIDDEN);
  if (code === "NOT_FOUND") return new LatchkeyFailure(FailureCode.NOT_FOUND);
  if (code === "BAD_USER_INPUT") return new LatchkeyFailure(FailureCode.UNEXPECTED, message);
  return new LatchkeyFailure(FailureCode.UNEXPECTED);
}

/**
 * GraphQL over HTTP and graphql-ws against one Latchkey server, with the credential asked for before
 * every request and every (re)connection, so a refreshed token is used as soon as the host has it.
 */
export class LatchkeyClient {
  #socket: Client | null = null;
  #connections = 0;
  readonly #reconnectListeners = new Set<() => void>();

  constructor(
    readonly serverUrl: string,
    private readonly token: TokenSource,
  ) {}

  async request<Result, Variables>(document: TadaDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
    const token = await this.token();
    let response: Response;
    try {
      response = await fetch(new URL("/graphql", this.serverUrl), {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
      });
    } catch {
      throw new LatchkeyFailure(FailureCode.UNREACHABLE);
    }
    if (response.status === 401) throw new LatchkeyFailure(FailureCode.UNAUTHENTICATED);
    let body: GraphQLResponse<Result>;
    try {
      body = await response.json();
    } catch {
      throw new LatchkeyFailure(FailureCode.UNREACHABLE, `The server answered HTTP ${response.status}, not GraphQL. Is its address right?`);
    }
    const [error] = body.errors ?? [];
    if (error) throw failureFor(error.extensions?.code, error.message);
    if (!body.data) throw new LatchkeyFailure(FailureCode.UNEXPECTED);
    return body.data;
  }

  /** Subscribes over one shared socket; returns the function that ends the subscription. */
  subscribe<Result, Variables>(
    document: TadaDocumentNode<Result, Variables>,
    variables: Variables,
    onData: (data: Result) => void,
    onFailure: (failure: LatchkeyFailure) => void,
  ): () => void {
    this.#socket ??= createClient({
      url: webSocketUrl(this.serverUrl),
      lazy: true,
      connectionParams: async () => {
        const token = await this.token();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      // Keep trying through a restart or an outage; the server refuses sockets with 1013 until it can serve them.
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      on: {
        connected: () => {
          this.#connections += 1;
          if (this.#connections > 1) for (const listener of this.#reconnectListeners) listener();
        },
      },
    });
    return this.#socket.subscribe<Result>(
      { query: print(document), variables: (variables ?? {}) as Record<string, unknown> },
      {
        next: (value) => {
          const [error] = value.errors ?? [];
          if (error) onFailure(failureFor(error.extensions?.code as string | undefined, error.message));
          else if (value.data) onData(value.data);
        },
        error: () => onFailure(new LatchkeyFailure(FailureCode.UNREACHABLE, "Live updates stopped. Reload to see the latest.")),
        complete: () => undefined,
      },
    );
  }

  /**
   * Calls `listener` whenever the socket connects again after its first connection: events sent
   * while it was away were not heard, so a live view reads its data again. Returns the unsubscriber.
   */
  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  dispose(): void {
    void this.#socket?.dispose();
    this.#socket = null;
  }
}

export function webSocketUrl(serverUrl: string): string {
  const url = new URL("/graphql", serverUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}
