import type { KeyKind, KeyState, Permission } from "../graphql/enums";

/**
 * What people read instead of the schema's constants. The UI says "organization", as the schema
 * does, so one word is used everywhere a user looks.
 */
export const KIND_LABELS: Record<KeyKind, string> = {
  SECRET: "Secret",
  KEY_PAIR: "Key pair",
  BASIC: "Basic auth",
  OAUTH_CLIENT: "OAuth client",
};

export const STATE_LABELS: Record<KeyState, string> = {
  ACTIVE: "Active",
  PENDING: "Awaiting approval",
  DISABLED: "Disabled",
  EXPIRED: "Expired",
  REVOKED: "Revoked",
};

export const PERMISSION_LABELS: Record<Permission, string> = {
  ORG_READ: "See the organization",
  ORG_MANAGE: "Change the organization's settings",
  ORG_DELETE: "Delete the organization",
  LOCATIONS_MANAGE: "Manage locations",
  MEMBERS_MANAGE: "Manage members",
  ROLES_MANAGE: "Manage roles",
  KEYS_CREATE: "Create keys",
  KEYS_READ_ALL: "See everyone's keys",
  KEYS_REVEAL: "Reveal any key's secret",
  KEYS_MANAGE_ALL: "Manage everyone's keys",
  WEBHOOKS_MANAGE: "Manage webhooks",
  AUDIT_READ: "Read the audit log",
};

/** The public half's name by kind: what an integrator calls it. Null for a single secret. */
export function publicIdLabel(kind: KeyKind): string | null {
  switch (kind) {
    case "KEY_PAIR":
      return "access key ID";
    case "BASIC":
      return "username";
    case "OAUTH_CLIENT":
      return "client ID";
    default:
      return null;
  }
}

/** The secret half's name by kind. */
export function secretLabel(kind: KeyKind): string {
  switch (kind) {
    case "KEY_PAIR":
      return "secret key";
    case "BASIC":
      return "password";
    case "OAUTH_CLIENT":
      return "client secret";
    default:
      return "secret";
  }
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "expires in 3 days", "expired 2 hours ago", "never expires". */
export function expiryWording(expiresAt: string | null | undefined, now = Date.now()): string {
  if (!expiresAt) return "never expires";
  const left = new Date(expiresAt).getTime() - now;
  const hours = Math.abs(left) < DAY_MS;
  const amount = hours ? Math.round(left / HOUR_MS) : Math.round(left / DAY_MS);
  const phrase = relative.format(amount, hours ? "hour" : "day");
  return left >= 0 ? `expires ${phrase}` : `expired ${phrase}`;
}

/** "used 2 days ago", "never used". */
export function lastUsedWording(lastUsedAt: string | null | undefined, now = Date.now()): string {
  if (!lastUsedAt) return "never used";
  const ago = new Date(lastUsedAt).getTime() - now;
  if (Math.abs(ago) < HOUR_MS) return "used within the hour";
  return Math.abs(ago) < DAY_MS
    ? `used ${relative.format(Math.round(ago / HOUR_MS), "hour")}`
    : `used ${relative.format(Math.round(ago / DAY_MS), "day")}`;
}
