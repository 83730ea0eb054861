import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";

/**
 * The guard against server-side request forgery. A webhook URL must be http(s) and, unless the
 * configuration allows it, must not reach loopback, private, link-local, metadata or other
 * non-public addresses. It is checked when the endpoint is saved, and again at every delivery on
 * the address actually connected to (after DNS resolution), so DNS rebinding gains nothing.
 */
export class WebhookTargets {
  private readonly allowed: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
  private readonly httpAgent: RequestFilteringHttpAgent;
  private readonly httpsAgent: RequestFilteringHttpsAgent;

  constructor(allowedTargets: string[]) {
    this.allowed = allowedTargets.map((range) => (range.includes("/") ? ipaddr.parseCIDR(range) : hostRange(range)));
    const options = { allowIPAddressList: allowedTargets, keepAlive: true, maxSockets: 50 };
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
    const host = url.hostname.replace(/^\[|\]$/g, "");
    let addresses: string[];
    try {
      addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
    } catch {
      return `names a host that does not resolve (${host})`;
    }
    const refused = addresses.find((address) => !this.mayConnect(address));
    return refused ? `resolves to ${refused}, a private, loopback, link-local or reserved address` : null;
  }

  /** The agent for a delivery: it refuses, at connect time, addresses `refusal` would refuse. */
  agentFor(url: URL): RequestFilteringHttpAgent | RequestFilteringHttpsAgent {
    return url.protocol === "https:" ? this.httpsAgent : this.httpAgent;
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private mayConnect(address: string): boolean {
    const parsed = ipaddr.process(address);
    if (this.allowed.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return true;
    return parsed.range() === "unicast";
  }
}

function hostRange(address: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const parsed = ipaddr.process(address);
  return [parsed, parsed.kind() === "ipv4" ? 32 : 128];
}
