import type { IncomingMessage } from "node:http";

/**
 * The client's address: the socket's peer, or, behind a trusted proxy (`TRUST_PROXY=true`), the
 * left-most `X-Forwarded-For` entry, as Fastify computes `request.ip` for the other routes.
 */
export function clientAddressOf(request: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = request.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? null;
}
