import ipaddr from "ipaddr.js";

/** Whether a client address falls in the allowlist; an empty list allows every address. */
export function addressAllowed(allowedCidrs: readonly string[], clientAddress: string | null): boolean {
  if (!allowedCidrs.length) return true;
  if (!clientAddress) return false;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(clientAddress);
  } catch {
    return false;
  }
  return allowedCidrs.some((cidr) => {
    const [range, bits] = ipaddr.parseCIDR(cidr);
    return range.kind() === address.kind() && address.match([range, bits] as never);
  });
}
