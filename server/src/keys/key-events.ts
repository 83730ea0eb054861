import { toGlobalId } from "../graphql/global-id";
import type { ApiKey } from "./api-key.entity";

/** The public facts of a key that every key event carries. Never the secret, not even masked. */
export function keyEventPayload(key: ApiKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    keyId: toGlobalId("ApiKey", key.id),
    name: key.name,
    kind: key.kind,
    state: key.effectiveState(),
    organizationId: toGlobalId("Organization", key.organization.id),
    locationId: key.location ? toGlobalId("Location", key.location.id) : null,
    mappedUserId: toGlobalId("User", key.mappedUser.id),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    ...extra,
  };
}
