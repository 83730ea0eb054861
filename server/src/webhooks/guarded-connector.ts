import type { LookupAddress, LookupOptions } from "node:dns";
import net from "node:net";
import { buildConnector } from "undici";
import type { HostResolver } from "../config";

/** Why a connection to this IP address may not be opened, or null when it may. */
export type AddressGuard = (address: string) => string | null;

export interface ConnectRule {
  guard: AddressGuard;
  resolve: HostResolver;
}

/** A connection refused before it was attempted. Its message is the guard's: it names no address. */
export class ConnectionRefused extends Error {
  override name = "ConnectionRefused";
}

/**
 * undici's connector (plain TCP or TLS, by the origin's protocol) with our rule decided on the
 * address each new connection is about to open: an IP address in the URL before anything else
 * happens, a name once resolved and before any socket connects (every address it has must pass).
 * undici calls it for every connection it opens and for no request on a connection kept alive:
 * that connection's address was checked when it was opened.
 */
export function guardedConnector(rule: ConnectRule): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(rule) });
  return (options, callback) => {
    const host = options.hostname;
    const reason = net.isIP(host) ? rule.guard(host) : null;
    // Synchronously: undici waits on the callback, and no socket exists to carry the error.
    if (reason) return callback(new ConnectionRefused(reason), null);
    return connect(options, callback);
  };
}

/** `net.connect`'s `lookup`, through our resolver, failing unless the guard passes every address. */
function guardedLookup({ resolve, guard }: ConnectRule) {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family || 0;
    resolve(hostname)
      .then((found) => {
        const addresses = found.filter((entry) => !family || entry.family === family);
        const [first] = addresses;
        if (!first) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
        for (const { address } of addresses) {
          const reason = guard(address);
          if (reason) throw new ConnectionRefused(reason);
        }
        return { addresses, first };
      })
      .then(
        // Out of the promise chain, so that nothing the socket does in the callback comes back here.
        ({ addresses, first }) =>
          process.nextTick(() => (options.all ? callback(null, addresses) : callback(null, first.address, first.family))),
        (error: Error) => process.nextTick(() => callback(error, "")),
      );
  };
}
