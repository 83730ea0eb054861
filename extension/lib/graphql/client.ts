import type { TadaDocumentNode } from "gql.tada";
import { print } from "graphql";
import { FailureCode, LatchkeyFailure } from "../failures";

/** Where to send operations and with which credential (a session token or an API key secret). */
export interface Connection {
  serverUrl: string;
  credential: string | null;
}

export function graphqlUrl(serverUrl: string): string {
  return new URL("/graphql", serverUrl).toString();
}

export function graphqlWsUrl(serverUrl: string): string {
  const url = new URL("/graphql", serverUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/**
 * Sends one typed operation over HTTP. Failures come back as `LatchkeyFailure` with the code the
 * user needs: unreachable server, expired session (HTTP 401 or UNAUTHENTICATED), permission denied.
 */
export async function request<Result, Variables>(
  connection: Connection,
  document: TadaDocumentNode<Result, Variables>,
  variables: Variables,
  fetchImpl: typeof fetch = fetch,
): Promise<Result> {
  let response: Response;
  try {
    response = await fetchImpl(graphqlUrl(connection.serverUrl), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(connection.credential ? { authorization: `Bearer ${connection.credential}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
    });
  } catch {
    throw new LatchkeyFailure(FailureCode.SERVER_UNREACHABLE);
  }
  if (response.status === 401) throw new LatchkeyFailure(FailureCode.SESSION_EXPIRED);
  let body: { data?: Result; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = await response.json();
  } catch {
    throw new LatchkeyFailure(
      FailureCode.SERVER_UNREACHABLE,
      `The server answered HTTP ${response.status}, not GraphQL. Is the URL right?`,
    );
  }
  const [error] = body.errors ?? [];
  if (error) {
    const code = error.extensions?.code;
    if (code === "UNAUTHENTICATED") throw new LatchkeyFailure(FailureCode.SESSION_EXPIRED);
    if (code === "FORBIDDEN") throw new LatchkeyFailure(FailureCode.PERMISSION_DENIED);
    throw new LatchkeyFailure(FailureCode.UNEXPECTED, error.message);
  }
  if (!body.data) throw new LatchkeyFailure(FailureCode.UNEXPECTED);
  return body.data;
}
