import type { LookupAddress, LookupOptions } from "node:dns";
import net, { type TcpNetConnectOpts } from "node:net";
import type { Duplex } from "node:stream";
import type { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";
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

type ConnectionCallback = (error: Error | null, socket: Duplex) => void;
type AgentOptions = ConstructorParameters<typeof RequestFilteringHttpAgent>[0];

/** One of `request-filtering-agent`'s agents: HTTP or HTTPS. */
export type FilteringAgent = RequestFilteringHttpAgent | RequestFilteringHttpsAgent;

/**
 * A `request-filtering-agent` agent (`RequestFilteringHttpAgent` or `RequestFilteringHttpsAgent`),
 * with our own rule in front of theirs, decided on the address each connection is about to open: an
 * IP address in the URL before anything else happens, a name once resolved and before any socket
 * connects (every address it has must pass). Their own check then runs on the same addresses, so a
 * connection needs both to agree.
 */
export function guardedAgent<Agent extends FilteringAgent>(
  FilteringAgentClass: new (options: AgentOptions) => Agent,
  options: AgentOptions,
  rule: ConnectRule,
): Agent {
  const agent = new FilteringAgentClass(options);
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = (connectOptions: TcpNetConnectOpts, callback?: ConnectionCallback) =>
    refusal(rule, connectOptions, callback) ?? connect({ ...connectOptions, lookup: guardedLookup(rule) }, callback);
  return agent;
}

/** A socket that failed already, when the URL names an address the guard refuses (no lookup happens then). */
function refusal(rule: ConnectRule, options: TcpNetConnectOpts, callback?: ConnectionCallback): net.Socket | null {
  const host = options.host;
  const reason = host && net.isIP(host) ? rule.guard(host) : null;
  if (!reason) return null;
  const socket = new net.Socket();
  const error = new ConnectionRefused(reason);
  if (callback) callback(error, socket);
  else socket.destroy(error);
  return socket;
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
