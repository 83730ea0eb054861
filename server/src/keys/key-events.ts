import { storedId } from "../events/public-payload";
import type { ApiKey } from "./api-key.entity";
import type { KeyFacts } from "./key-visibility";

/**
 * The public facts of a key that every key event carries, with database IDs (clients see global IDs:
 * events/public-payload.ts), and its creator, which decides with the mapped user who may see the
 * event. Never the secret, not even masked.
 */
export function keyEventPayload(key: ApiKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    keyId: key.id,
    name: key.name,
    kind: key.kind,
    state: key.effectiveState(),
    organizationId: key.organization.id,
    locationId: key.location?.id ?? null,
    mappedUserId: key.mappedUser.id,
    createdById: key.createdBy?.id ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    ...extra,
  };
}

/**
 * The facts of the key a stored event of `organizationId` is about. Events stored before payloads
 * carried the creator give none, and their IDs are global IDs (read too).
 */
export function keyFactsOfEvent(organizationId: string, payload: Readonly<Record<string, unknown>>): KeyFacts {
  return {
    organizationId,
    locationId: storedId(payload.locationId, "Location"),
    mappedUserId: storedId(payload.mappedUserId, "User"),
    createdById: storedId(payload.createdById, "User"),
  };
}
