import type { ResultOf } from "../graphql/tada";
import type { AuditLogPage } from "./operations";

export type AuditEntry = NonNullable<NonNullable<ResultOf<typeof AuditLogPage>["organization"]>["auditLog"]>["nodes"][number];
export type AuditAction = AuditEntry["action"];

/** Every action, in the order the filter offers them; the type check fails when the schema adds one not listed here. */
export const AUDIT_ACTIONS = [
  "KEY_CREATED",
  "KEY_REVEALED",
  "KEY_ROTATED",
  "KEY_UPDATED",
  "KEY_APPROVED",
  "KEY_DISABLED",
  "KEY_ENABLED",
  "KEY_REVOKED",
  "KEY_DELETED",
  "KEY_EXPIRED",
  "KEY_LEAKED",
  "KEY_DISABLED_FOR_INACTIVITY",
  "KEY_DELETED_FOR_INACTIVITY",
  "AGREEMENT_ACCEPTED",
  "MEMBER_ADDED",
  "MEMBER_ROLE_CHANGED",
  "MEMBER_REMOVED",
  "ROLE_CREATED",
  "ROLE_UPDATED",
  "ROLE_DELETED",
  "WEBHOOK_CREATED",
  "WEBHOOK_UPDATED",
  "WEBHOOK_PAUSED",
  "WEBHOOK_RESUMED",
  "WEBHOOK_DISABLED",
  "WEBHOOK_SECRET_ROTATED",
  "WEBHOOK_TEST_SENT",
  "WEBHOOK_REDELIVERED",
  "WEBHOOK_DELETED",
  "ORGANIZATION_CREATED",
  "ORGANIZATION_UPDATED",
  "ORGANIZATION_DELETED",
  "LOCATION_CREATED",
  "LOCATION_UPDATED",
  "LOCATION_DELETED",
  "PLATFORM_KEY_CREATED",
  "PLATFORM_KEY_REVOKED",
  "USER_SIGNED_UP",
  "USER_PROVISIONED",
  "USER_SIGNED_IN",
  "USER_SIGN_IN_FAILED",
  "USER_SIGNED_OUT",
  "USER_UPDATED",
] as const satisfies readonly AuditAction[];

/** Compiles only while `AUDIT_ACTIONS` holds every action of the schema. */
export type EveryActionListed = Exclude<AuditAction, (typeof AUDIT_ACTIONS)[number]> extends never ? true : never;
export const everyActionListed: EveryActionListed = true;

/** Where the mechanical wording ("Key revealed") would read badly. */
const ACTION_WORDS: Partial<Record<AuditAction, string>> = {
  KEY_REVEALED: "Key secret revealed",
  KEY_LEAKED: "Key reported leaked",
  USER_SIGN_IN_FAILED: "Sign-in failed",
  USER_SIGNED_IN: "Signed in",
  USER_SIGNED_OUT: "Signed out",
  USER_SIGNED_UP: "Signed up",
  ORGANIZATION_CREATED: "Organization created",
  ORGANIZATION_UPDATED: "Organization settings changed",
  ORGANIZATION_DELETED: "Organization deleted",
  WEBHOOK_TEST_SENT: "Webhook test message sent",
  AGREEMENT_ACCEPTED: "API agreement accepted",
};

/** An action in words: "KEY_DISABLED_FOR_INACTIVITY" → "Key disabled for inactivity". */
export function actionInWords(action: AuditAction): string {
  const words = action.toLowerCase().replaceAll("_", " ");
  return ACTION_WORDS[action] ?? `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

const OBJECT_WORDS: Record<string, string> = {
  ApiKey: "Key",
  WebhookEndpoint: "Webhook",
  Organization: "Organization",
  Membership: "Membership",
  PlatformKey: "Platform key",
};

/** A GraphQL type name in words: "ApiKey" → "Key". */
export function objectTypeInWords(typeName: string): string {
  return OBJECT_WORDS[typeName] ?? typeName.replace(/(?<=[a-z])(?=[A-Z])/g, " ");
}

/** Who acted, in words: a person, the host's backend with a platform key, or nobody known. */
export function actorInWords(entry: AuditEntry): { name: string; detail: string | null } {
  if (entry.actor) return { name: entry.actor.name, detail: entry.actor.email };
  if (entry.actorPlatformKeyId) return { name: "Platform key", detail: entry.actorPlatformKeyId };
  if (entry.action === "USER_SIGN_IN_FAILED") return { name: "Someone not signed in", detail: null };
  return { name: "A user since deleted", detail: null };
}

/** A value as a change line shows it: lists joined, null as "none", long text cut short. */
function valueInWords(value: unknown): string {
  const text = value === null || value === undefined ? "none" : Array.isArray(value) ? value.join(", ") : String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** What a change entry changed ("inactivity days: 90 → 45"), from its `metadata.changes`; empty for other entries. */
export function changesInWords(metadata: Record<string, unknown>): string[] {
  const changes = metadata.changes;
  if (!changes || typeof changes !== "object") return [];
  return Object.entries(changes as Record<string, { from?: unknown; to?: unknown }>).map(([field, change]) => {
    const name = (field.split(".").pop() ?? field).replace(/(?<=[a-z])(?=[A-Z])/g, " ").toLowerCase();
    return `${name}: ${valueInWords(change?.from)} → ${valueInWords(change?.to)}`;
  });
}
