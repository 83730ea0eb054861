import http from "node:http";
import type { AddressInfo } from "node:net";
import { eventually } from "./eventually";

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  path: string;
  receivedAt: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** The response body ("ok" by default). */
  body?: string;
  /** Hold the response this long (or until the receiver closes, with `Infinity`). */
  delayMs?: number;
  /** Hold the response until this settles: the test looks at the server while it waits for the answer. */
  until?: Promise<unknown>;
}

/**
 * A real HTTP receiver on 127.0.0.1 that records every request and answers as the test says
 * (200 by default), so tests see exactly what an integrator's server would.
 */
export async function startReceiver(reply: (request: ReceivedWebhook, index: number) => Reply = () => ({ status: 200 })) {
  const received: ReceivedWebhook[] = [];
  let respond = reply;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const record = {
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        path: request.url ?? "/",
        receivedAt: Date.now(),
      };
      received.push(record);
      const answer = respond(record, received.length - 1);
      const send = () => {
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(answer.body ?? "ok");
      };
      if (answer.delayMs === Number.POSITIVE_INFINITY) return;
      if (answer.until) void answer.until.finally(send);
      else if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path = "/hooks") => `http://127.0.0.1:${port}${path}`,
    received,
    /** Changes how later requests are answered. */
    answer(next: (request: ReceivedWebhook, index: number) => Reply) {
      respond = next;
    },
    /** Resolves once `count` requests matching `filter` arrived, or fails after `timeoutMs`. */
    waitFor(count: number, filter: (request: ReceivedWebhook) => boolean = () => true, timeoutMs = 20_000) {
      return eventually(
        () => {
          const matching = received.filter(filter);
          if (matching.length < count) throw new Error(`expected ${count} webhook requests, got ${matching.length}`);
          return matching;
        },
        { timeoutMs },
      );
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export const typeOf = (request: ReceivedWebhook): string => JSON.parse(request.body).type;
