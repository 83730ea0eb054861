import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";
import { canonicalTarget } from "../config";

/**
 * Why a delivery did not connect, when the agent refused the address. Like the refusal when an
 * endpoint is saved, it names no address: a user must not learn what an internal name resolves to.
 */
export const TARGET_REFUSED = "the target address is not allowed (private, loopback, link-local or reserved)";

/**
 * The guard against server-side request forgery. A webhook URL must be http(s) and, unless the
 * configuration allows it, must not reach loopback, private, link-local, metadata or other
 * non-public addresses. It is checked when the endpoint is saved, and again at every delivery on
 * the address actually connected to (after DNS resolution), so DNS rebinding gains nothing.
 *
 * Both checks take the same decision from the same list. The agent (`request-filtering-agent`)
 * allows an address that one of `allowIPAddressList`'s CIDRs matches (`ipaddr.parse`, so an
 * IPv4-mapped IPv6 address stays IPv6 and no IPv4 range matches it), and otherwise only addresses
 * whose `ipaddr.js` range is `unicast`; `allows` is that rule, written out.
 */
export const NOT_PUBLIC = "must resolve to a public address (not a private, loopback, link-local or reserved one)";

export class WebhookTargets {
  private readonly allowed: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
  private readonly httpAgent: RequestFilteringHttpAgent;
  private readonly httpsAgent: RequestFilteringHttpsAgent;

  /** `allowedTargets`: canonical CIDR strings, as the configuration reads `WEBHOOK_ALLOWED_TARGETS`. */
  constructor(allowedTargets: readonly string[]) {
    for (const range of allowedTargets) {
      if (canonicalTarget(range) !== range) throw new Error(`webhook target allowlist entry "${range}" is not a canonical CIDR range`);
    }
    this.allowed = allowedTargets.map((range) => ipaddr.parseCIDR(range));
    // The agent matches an entry without a `/` by string comparison, a CIDR with `ipaddr.js`: every
    // entry is a CIDR, so it compares parsed addresses as `allows` does. No `maxSockets`: a delivery
    // wave may have hundreds of requests in flight, and a capped pool would queue them behind the
    // per-attempt deadline, to time out unsent.
    const options = { allowIPAddressList: [...allowedTargets], keepAlive: true };
    this.httpAgent = new RequestFilteringHttpAgent(options);
    this.httpsAgent = new RequestFilteringHttpsAgent(options);
  }

  /** Why the URL may not be a webhook target, or null when it may. */
  async refusal(rawUrl: string): Promise<string | null> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return "is not a URL";
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http:// or https:// URL";
    if (url.username || url.password) return "must not contain a user name or password";
    // The URL parser has already made IPv4 hosts dotted quads (`127.1` → `127.0.0.1`).
    const host = url.hostname.replace(/^\[|\]$/g, "");
    let addresses: string[];
    if (isIP(host)) {
      const literal = ipaddr.parse(host);
      if (literal.kind() === "ipv6" && (literal as ipaddr.IPv6).isIPv4MappedAddress()) {
        // Delivery connects to it as IPv6, where no IPv4 range applies: it would always be refused.
        return `is an IPv4-mapped IPv6 address; use the IPv4 address (${(literal as ipaddr.IPv6).toIPv4Address().toString()})`;
      }
      addresses = [host];
    } else {
      try {
        addresses = (await lookup(host, { all: true })).map((entry) => entry.address);
      } catch {
        addresses = [];
      }
    }
    // One answer whether the name does not resolve or resolves privately, and no address: a refusal
    // must not let anyone map the internal network's names.
    const isPublic = addresses.length > 0 && addresses.every((address) => this.allows(address));
    return isPublic ? null : NOT_PUBLIC;
  }

  /** Whether a connection to this IP address may be made: the decision the delivery agent takes. */
  allows(address: string): boolean {
    const parsed = ipaddr.parse(address);
    if (this.allowed.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return true;
    return parsed.range() === "unicast";
  }

  /** The agent for a delivery: it refuses, at connect time, addresses `refusal` would refuse. */
  agentFor(url: URL): RequestFilteringHttpAgent | RequestFilteringHttpsAgent {
    return url.protocol === "https:" ? this.httpsAgent : this.httpAgent;
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/**
 * Whether a delivery failed because the agent refused the address it was to connect to. Its errors
 * carry no code, only a message that names the address and host (`DNS lookup 10.1.2.3(family:4,
 * host:internal.example) is not allowed. …`), which must not reach the user.
 */
export function isTargetRefusal(error: Error): boolean {
  return !("code" in error) && /^DNS lookup .* is not allowed\b/s.test(error.message);
}
