import type { ResultOf } from "../graphql/tada";
import type { KeyRowFields } from "./operations";

export type KeyRow = ResultOf<typeof KeyRowFields>;
export type KeyKind = KeyRow["kind"];
export type KeyState = KeyRow["state"];

/** Kinds and states as people say them, instead of the schema's constants. */
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

export const PERMISSION_LABELS: Record<string, string> = {
  ORG_READ: "See the organisation",
  ORG_MANAGE: "Change the organisation's settings",
  ORG_DELETE: "Delete the organisation",
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

/** One part of a credential as its integrators name it, with its value. */
export interface CredentialPart {
  label: string;
  value: string;
}

/** Every part of a key (the public half where its kind has one, then the secret), named per kind. */
export function credentialParts(key: Pick<KeyRow, "kind" | "publicId">, secret: string): CredentialPart[] {
  const names: Record<KeyKind, [string | null, string]> = {
    SECRET: [null, "Secret"],
    KEY_PAIR: ["Access key ID", "Secret key"],
    BASIC: ["Username", "Password"],
    OAUTH_CLIENT: ["Client ID", "Client secret"],
  };
  const [publicLabel, secretLabel] = names[key.kind];
  return [...(publicLabel && key.publicId ? [{ label: publicLabel, value: key.publicId }] : []), { label: secretLabel, value: secret }];
}
