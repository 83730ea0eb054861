import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import net from "node:net";
import type { HostResolver } from "../../server/src/config";

/**
 * What every name under `.test` resolves to in the servers tests start: a global unicast address
 * (so a URL naming it passes the save-time check as a public target would) from `2d00::/8`, which
 * IANA has not allocated, so it is no one's. No test server may connect to it: they all run with
 * `WEBHOOK_EGRESS=loopback`.
 */
export const PUBLIC_LOOKING_ADDRESS = "2d00::1";

/** The name tests give to a public webhook receiver: it resolves to `PUBLIC_LOOKING_ADDRESS`. */
export const PUBLIC_LOOKING_HOST = "hooks.latchkey.test";

/** Every server a test starts, in process or spawned, may connect to loopback addresses only. */
export const TEST_EGRESS = { WEBHOOK_EGRESS: "loopback" } as const;

/**
 * The resolver of every in-process test server: names under `.test` (RFC 6761) are public-looking,
 * names under `.invalid` do not resolve, and any other name (`localhost`) resolves as usual.
 */
export const resolveForTests: HostResolver = async (hostname) => {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (name === "test" || name.endsWith(".test")) return [{ address: PUBLIC_LOOKING_ADDRESS, family: 6 }];
  if (name === "invalid" || name.endsWith(".invalid"))
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return lookup(hostname, { all: true });
};

/** A resolver from a fixed table, for unit tests; other names do not resolve. */
export function resolveFrom(table: Record<string, string | string[]>): HostResolver {
  return async (hostname) => {
    const entry = table[hostname];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return [entry].flat().map((address): LookupAddress => ({ address, family: net.isIP(address) }));
  };
}

/**
 * Records every address this process starts a TCP connection to (the `connectionAttempt` of each
 * socket, after DNS resolution, just before the SYN), whatever opened it, until `stop()`.
 */
export function watchConnectionAttempts(): { addresses: string[]; stop(): void } {
  const addresses: string[] = [];
  const connect = net.Socket.prototype.connect;
  const watched = function (this: net.Socket, ...args: unknown[]) {
    this.on("connectionAttempt", (address: string) => addresses.push(address));
    return (connect as (...args: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = watched as typeof connect;
  return {
    addresses,
    stop() {
      if (net.Socket.prototype.connect === watched) net.Socket.prototype.connect = connect;
    },
  };
}
