import ipaddr from "ipaddr.js";
import { z } from "zod";
import { UserErrorCode, userError } from "../graphql/errors";
import type { OrganizationSettings } from "../orgs/organization-settings";

const DAY = 86_400_000;

/** A CIDR block (`203.0.113.0/24`, `2001:db8::/32`) or a single address, stored normalised as CIDR. */
export const cidrSchema = z.string().transform((value, issue) => {
  const text = value.trim();
  try {
    if (text.includes("/")) {
      const [address, bits] = ipaddr.parseCIDR(text);
      return `${address.toString()}/${bits}`;
    }
    const address = ipaddr.parse(text);
    return `${address.toString()}/${address.kind() === "ipv4" ? 32 : 128}`;
  } catch {
    issue.addIssue({ code: z.ZodIssueCode.custom, message: `"${text}" is not an IP address or CIDR block` });
    return z.NEVER;
  }
});

/**
 * The expiry a key gets under the organisation's lifetime policy: the requested one if it is in the
 * future and within the limit; the limit itself when none was requested.
 */
export function expiryWithinPolicy(requested: Date | null | undefined, settings: OrganizationSettings, now = new Date()): Date | null {
  const limitDays = settings.maxKeyLifetimeDays;
  const latest = limitDays ? new Date(now.getTime() + limitDays * DAY) : null;
  if (requested == null) return latest;
  if (requested <= now) throw userError(UserErrorCode.INVALID_INPUT, "expiresAt: must be in the future", ["expiresAt"]);
  if (latest && requested > latest) {
    throw userError(UserErrorCode.INVALID_INPUT, `expiresAt: this organization allows keys to live at most ${limitDays} days`, [
      "expiresAt",
    ]);
  }
  return requested;
}
