import { fromGlobalId, toGlobalId } from "../graphql/global-id";

/**
 * Stored event payloads carry database IDs; what leaves the server (GraphQL's `KeyEvent.data` and
 * `Notification.data`, webhook bodies) carries global IDs. This is the one conversion between them.
 */

/** The ID fields of event payloads, with the type of object each names. */
const ID_FIELDS: Readonly<Record<string, string>> = {
  keyId: "ApiKey",
  organizationId: "Organization",
  locationId: "Location",
  mappedUserId: "User",
  userId: "User",
  membershipId: "Membership",
  endpointId: "WebhookEndpoint",
  messageId: "WebhookMessage",
};

/** Kept to decide who may see an event (keys/key-visibility.ts), not part of its public data. */
const INTERNAL_FIELDS: ReadonlySet<string> = new Set(["createdById"]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The database ID in a stored payload field. Rows stored before payloads carried database IDs hold
 * the global ID instead: it is read too, so old events need no migration.
 */
export function storedId(value: unknown, typeName: string): string | null {
  if (typeof value !== "string") return null;
  if (UUID.test(value)) return value;
  const parsed = fromGlobalId(value);
  return parsed?.typeName === typeName ? parsed.id : null;
}

/** A stored payload as clients see it: IDs as global IDs, internal fields left out, the rest as stored. */
export function publicEventData(payload: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(payload)) {
    if (INTERNAL_FIELDS.has(field)) continue;
    const typeName = ID_FIELDS[field];
    const id = typeName ? storedId(value, typeName) : null;
    data[field] = typeName && id ? toGlobalId(typeName, id) : value;
  }
  return data;
}
