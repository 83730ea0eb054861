import { toGlobalId } from "../graphql/global-id";
// The GraphQL type's shape only: the verify listener's thread renders this view and must not load
// type-graphql (see verify-thread.ts).
import type { KeyVerification } from "./key-verification.type";
import { type Verification, VerifyCode } from "./key-verifier";

/**
 * The public view of a verification. A refused key tells only why when the caller presented the
 * real secret (they hold it anyway); nothing tells whether a key exists elsewhere.
 */
export function verificationView(verification: Verification): KeyVerification {
  const key = verification.valid ? verification.key : verification.code === VerifyCode.NOT_FOUND ? undefined : verification.key;
  return {
    valid: verification.valid,
    code: verification.code,
    keyId: key ? toGlobalId("ApiKey", key.id) : null,
    name: key?.name ?? null,
    kind: key?.kind ?? null,
    ownerId: key ? toGlobalId("User", key.mappedUserId) : null,
    organizationId: key ? toGlobalId("Organization", key.organizationId) : null,
    locationId: key?.locationId ? toGlobalId("Location", key.locationId) : null,
    scopes: key?.scopes ?? null,
    expiresAt: key?.expiresAt ?? null,
  };
}
