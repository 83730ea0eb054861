import type { IncomingMessage } from "node:http";
import proxyaddr from "@fastify/proxy-addr";
import type { TrustProxySetting } from "../config";

/**
 * Whether a hop may be believed about who sent the request: hop 0 is the socket's peer, hop 1 the
 * right-most `X-Forwarded-For` entry, and so on leftwards. The shape Fastify's `trustProxy` takes.
 */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * The trust function for `TRUST_PROXY`, or `false` to ignore `X-Forwarded-For`. Fastify gets the
 * same function, so `request.ip` and `clientAddressOf` always agree.
 */
export function compileProxyTrust(setting: TrustProxySetting): ProxyTrust | false {
  if (setting === false) return false;
  // N proxies in front of us: the peer and the N-1 entries they appended are theirs; the next one
  // to the left is what the outermost proxy saw. Anything further left the client wrote.
  if ("hops" in setting) return (_address, hop) => hop < setting.hops;
  return proxyaddr.compile(setting.addresses);
}

/**
 * The client's address: walk from the socket's peer through `X-Forwarded-For` right to left, past
 * trusted proxies, and stop at the first address we do not trust. Never the left-most entry as
 * such, which any client can write.
 */
export function clientAddressOf(request: IncomingMessage, trust: ProxyTrust | false): string | null {
  if (!trust) return request.socket.remoteAddress ?? null;
  return proxyaddr(request, trust) ?? null;
}
