import ipaddr from "ipaddr.js";

export type IPAddress = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Addresses that look public (`ipaddr.js` calls them unicast) but answer only the machine asking,
 * on its cloud platform: Azure's wire server (DHCP, health probes, the guest agent's metadata).
 * The other platforms' metadata services sit in ranges refused anyway: 169.254.169.254 and
 * 169.254.0.23 (link-local), 100.100.100.200 (shared address space), 192.0.0.192 (IETF protocol
 * assignments), fd00:ec2::254 (unique local).
 */
const PLATFORM_ADDRESSES = ["168.63.129.16/32"].map((range) => ipaddr.IPv4.parseCIDR(range));

/**
 * Parses an IP address as the socket layer reads it. `ipaddr.parse` reads the IPv4-compatible
 * form `::127.0.0.1` as if it were IPv4-mapped (`::ffff:127.0.0.1`), so IPv6 goes through the
 * WHATWG URL parser first, which writes every IPv6 address in hex (`::7f00:1`). Throws on what is
 * not an address (zone indices such as `fe80::1%eth0` included).
 */
export function parseAddress(address: string): IPAddress {
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return ipaddr.IPv4.parse(address);
  if (!ipaddr.IPv6.isValid(address) || address.includes("%")) throw new Error("not an IP address");
  return ipaddr.IPv6.parse(new URL(`http://[${address}]/`).hostname.slice(1, -1));
}

const cidr = (range: string) => ipaddr.IPv6.parseCIDR(range);
/** IPv6 ranges whose addresses carry an IPv4 address a packet may end up at, and where it sits (bytes). */
const EMBEDDINGS: Array<{ range: [ipaddr.IPv6, number]; at: number[]; invert?: boolean }> = [
  { range: cidr("::ffff:0:0/96"), at: [12] }, // IPv4-mapped
  { range: cidr("::/96"), at: [12] }, // IPv4-compatible (deprecated, RFC 4291), `::` and `::1` included
  { range: cidr("::ffff:0:0:0/96"), at: [12] }, // IPv4-translated (RFC 6145)
  { range: cidr("64:ff9b::/96"), at: [12] }, // NAT64, well-known prefix (RFC 6052)
  { range: cidr("64:ff9b:1::/48"), at: [12] }, // NAT64, local-use prefix (RFC 8215), as a /96
  { range: cidr("2002::/16"), at: [2] }, // 6to4 (RFC 3056)
  { range: cidr("2001::/32"), at: [4, 12], invert: true }, // Teredo (RFC 4380): the server, then the client, inverted
];

/**
 * The IPv4 addresses an IPv6 address embeds, in any of the standard embeddings (IPv4-mapped,
 * IPv4-compatible, IPv4-translated, NAT64, 6to4, Teredo), or an empty list when it embeds none.
 */
export function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const embedding = EMBEDDINGS.find(({ range }) => address.match(range));
  if (!embedding) return [];
  const bytes = address.toByteArray();
  return embedding.at.map((offset, index) => {
    const invert = embedding.invert && index === embedding.at.length - 1;
    return new ipaddr.IPv4(bytes.slice(offset, offset + 4).map((byte) => (invert ? byte ^ 0xff : byte)));
  });
}

/**
 * Whether an address is a public one a webhook may reach without an explicit allowance: `ipaddr.js`
 * calls it unicast (not private, loopback, link-local, shared, reserved, documentation …), it is
 * not a platform address, and, for IPv6, it embeds no IPv4 address. Every embedding is refused,
 * even of a public IPv4 address: the IPv4 address itself is the target to give.
 */
export function isPublicAddress(address: IPAddress): boolean {
  if (address.range() !== "unicast") return false;
  if (address.kind() === "ipv4") return !PLATFORM_ADDRESSES.some((range) => (address as ipaddr.IPv4).match(range));
  return embeddedIPv4(address as ipaddr.IPv6).length === 0;
}

/** Whether an address is a loopback one: 127.0.0.0/8 or ::1. */
export function isLoopbackAddress(address: IPAddress): boolean {
  return address.range() === "loopback";
}
