/**
 * What people read instead of the schema's constants, for every client that shows them: the
 * browser extension and Latchkey Elements call a key, its state and a permission the same thing,
 * whether a developer looks in the extension or in the host product's settings page. The keys are
 * the schema's enum values; each client types these tables with its own generated enums
 * (`Record<KeyKind, string>`), so an enum value without a word here does not compile.
 *
 * The products Latchkey sits behind write "organization", as the schema does, so the words do too.
 */

export const KIND_LABELS = {
  SECRET: "Secret",
  KEY_PAIR: "Key pair",
  BASIC: "Basic auth",
  OAUTH_CLIENT: "OAuth client",
} as const;

export const STATE_LABELS = {
  ACTIVE: "Active",
  PENDING: "Awaiting approval",
  DISABLED: "Disabled",
  EXPIRED: "Expired",
  REVOKED: "Revoked",
} as const;

export const PERMISSION_LABELS = {
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
} as const;

/**
 * The parts of a key of each kind as its integrators name them (see README, "API keys"): the
 * public half, where the kind has one, and the secret.
 */
export const CREDENTIAL_PART_LABELS = {
  SECRET: { public: null, secret: "Secret" },
  KEY_PAIR: { public: "Access key ID", secret: "Secret key" },
  BASIC: { public: "Username", secret: "Password" },
  OAUTH_CLIENT: { public: "Client ID", secret: "Client secret" },
} as const;

/** A label as it reads inside a sentence ("Copy the client secret"): only its first letter changes. */
export function inSentence(label: string): string {
  return label.charAt(0).toLowerCase() + label.slice(1);
}
