import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, type buildConnector } from "undici";
import { canonicalTarget, type HostResolver, type WebhookConfig, type WebhookEgress } from "../config";
import { guardedConnector } from "./guarded-connector";
import { embeddedIPv4, type IPAddress, isLoopbackAddress, isPublicAddress, parseAddress } from "./target-addresses";

/**
 * Why a delivery did not connect, when the address was refused. Like the refusal when an endpoint
 * is saved, it names no address: a user must not learn what an internal name resolves to.
 */
export const TARGET_REFUSED = "the target address is not allowed (private, loopback, link-local or reserved)";

/** Why a delivery did not connect, when `WEBHOOK_EGRESS` keeps this server from that address. */
export const EGRESS_REFUSED: Record<Exclude<WebhookEgress, "public">, string> = {
  loopback: "egress refused: this server delivers webhooks to loopback addresses only (WEBHOOK_EGRESS=loopback)",
  none: "egress refused: this server delivers no webhooks (WEBHOOK_EGRESS=none)",
};

/** Why a URL is refused when saved; one answer for every non-public address, and it names none. */
export const NOT_PUBLIC = "must resolve to a public address (not a private, loopback, link-local or reserved one)";

/** A URL checked as a webhook target: the normalised URL to store and deliver to, or why not. */
export type TargetCheck = { url: string; refusal: null } | { url: null; refusal: string };

/** Spaces, control and invisible format characters (bidi overrides too): parsers strip or keep them differently. */
const SPACE_OR_CONTROL = /[\s\p{Cc}\p{Cf}]/u;

/**
 * The guard against server-side request forgery. A webhook URL must be http(s) and, unless the
 * configuration allows it, must not reach loopback, private, link-local, metadata or other
 * non-public addresses (`isPublicAddress`). It is checked when the endpoint is saved, and again at
 * every delivery on the address actually connected to (after DNS resolution), so DNS rebinding
 * gains nothing.
 *
 * At delivery `WEBHOOK_EGRESS` narrows it further, for the whole server: `loopback` lets
 * deliveries connect to loopback addresses only (every server the tests start), `none` nowhere.
 * Saving is not narrowed, so an endpoint's URL means the same on every server.
 */
export class WebhookTargets {
  private readonly allowed: Array<[IPAddress, number]>;
  private readonly egress: WebhookEgress;
  private readonly resolve: HostResolver;
  /** Opens every delivery connection, after the address check (exposed for the tests of that check). */
  readonly connect: buildConnector.connector;
  /** Sends every delivery: one pool of kept-alive connections per origin. */
  readonly dispatcher: Agent;

  /** `allowedTargets`: canonical CIDR strings, as the configuration reads `WEBHOOK_ALLOWED_TARGETS`. */
  constructor({ allowedTargets, egress = "public", resolve }: Pick<WebhookConfig, "allowedTargets"> & Partial<WebhookConfig>) {
    for (const range of allowedTargets) {
      if (canonicalTarget(range) !== range) throw new Error(`webhook target allowlist entry "${range}" is not a canonical CIDR range`);
    }
    this.allowed = allowedTargets.map((range) => ipaddr.parseCIDR(range));
    this.egress = egress;
    this.resolve = resolve ?? ((hostname) => lookup(hostname, { all: true }));
    this.connect = guardedConnector({ guard: (address) => this.connectRefusal(address), resolve: this.resolve });
    // No cap on connections per origin: a delivery wave may have hundreds of requests in flight,
    // and a capped pool would queue them behind the per-attempt deadline. One request at a time on
    // a connection (no pipelining: a slow answer must not hold the next one), kept alive between
    // waves, so they reuse connections: the address check happens at connect, and a reused
    // connection was checked when it was opened. Every exchange has its deadline (`sendWebhooks`), so
    // undici keeps no header and body timers of its own on each request besides.
    this.dispatcher = new Agent({ connect: this.connect, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
  }

  /**
   * Checks a URL as a webhook target, reading it as WHATWG URL parsing does (as delivery will),
   * and refusing what another reader could take for a different host: credentials, backslashes,
   * fragments, spaces and control characters. The URL to store is the parser's normalised form.
   */
  async check(rawUrl: string): Promise<TargetCheck> {
    const refused = (refusal: string): TargetCheck => ({ url: null, refusal });
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return refused("is not a URL");
    }
    // The parser drops some of these (tabs and newlines anywhere, spaces at either end) and
    // percent-encodes others, so what it reads is not what a person reads.
    if (SPACE_OR_CONTROL.test(rawUrl)) return refused("must not contain spaces or control characters");
    if (url.protocol !== "http:" && url.protocol !== "https:") return refused("must be an http:// or https:// URL");
    if (rawUrl.includes("\\")) return refused("must not contain a backslash");
    if (rawUrl.includes("#")) return refused("must not contain a fragment (#…)");
    // An `@` before the path makes userinfo, even an empty one (`http://@host/`).
    const authority = /^[a-z][a-z0-9+.-]*:\/*([^/?#]*)/i.exec(rawUrl)?.[1] ?? "";
    if (url.username || url.password || authority.includes("@")) return refused("must not contain a user name or password");
    const refusal = await this.hostRefusal(url.hostname);
    return refusal ? refused(refusal) : { url: url.href, refusal: null };
  }

  /** Why the URL may not be a webhook target, or null when it may. */
  async refusal(rawUrl: string): Promise<string | null> {
    return (await this.check(rawUrl)).refusal;
  }

  private async hostRefusal(hostname: string): Promise<string | null> {
    // The URL parser has already made IPv4 hosts dotted quads (`127.1` → `127.0.0.1`).
    const host = hostname.replace(/^\[|\]$/g, "");
    let addresses: string[];
    if (isIP(host)) {
      const literal = parseAddress(host);
      if (literal.kind() === "ipv6" && (literal as ipaddr.IPv6).isIPv4MappedAddress()) {
        // Delivery connects to it as IPv6, where no IPv4 range applies: it would always be refused.
        return `is an IPv4-mapped IPv6 address; use the IPv4 address (${(literal as ipaddr.IPv6).toIPv4Address().toString()})`;
      }
      const embedded = literal.kind() === "ipv6" ? embeddedIPv4(literal as ipaddr.IPv6) : [];
      const lastEmbedded = embedded.at(-1);
      if (lastEmbedded && !this.allows(host) && embedded.every((ipv4) => isPublicAddress(ipv4))) {
        return `embeds an IPv4 address in an IPv6 address; use the IPv4 address (${lastEmbedded.toString()})`;
      }
      addresses = [host];
    } else {
      try {
        addresses = (await this.resolve(host)).map((entry) => entry.address);
      } catch {
        addresses = [];
      }
    }
    // One answer whether the name does not resolve or resolves privately, and no address: a refusal
    // must not let anyone map the internal network's names.
    const isPublic = addresses.length > 0 && addresses.every((address) => this.allows(address));
    return isPublic ? null : NOT_PUBLIC;
  }

  /** Whether the SSRF rule lets a webhook reach this IP address: an allowed range, or a public address. */
  allows(address: string): boolean {
    let parsed: IPAddress;
    try {
      parsed = parseAddress(address);
    } catch {
      return false;
    }
    if (this.allowed.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return true;
    return isPublicAddress(parsed);
  }

  /** Why a delivery may not open a connection to this IP address (the SSRF rule, then egress), or null. */
  connectRefusal(address: string): string | null {
    if (!this.allows(address)) return TARGET_REFUSED;
    if (this.egress === "public") return null;
    if (this.egress === "loopback" && isLoopbackAddress(parseAddress(address))) return null;
    return EGRESS_REFUSED[this.egress];
  }

  close(): void {
    // Whatever is in flight fails; the error is its delivery's, and nobody waits on the closing.
    this.dispatcher.destroy().catch(() => undefined);
  }
}

/**
 * Whether an error is a refusal in `request-filtering-agent`'s words, which name the address and
 * host (`DNS lookup 10.1.2.3(family:4, host:internal.example) is not allowed. …`). Deliveries no
 * longer go through its agents (our guard applies the same rule and more, in undici's connector),
 * but should such an error reach an attempt again, the address still must not reach the user.
 */
export function isTargetRefusal(error: Error): boolean {
  return !("code" in error) && /^DNS lookup .* is not allowed\b/s.test(error.message);
}
