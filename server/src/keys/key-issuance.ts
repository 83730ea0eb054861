import type { EntityManager } from "@mikro-orm/postgresql";
import type { Organization } from "../orgs/organization.entity";
import { RevealPolicy } from "../orgs/organization-settings";
import type { ApiKey } from "./api-key.entity";
import type { KeyCrypto } from "./key-crypto";
import { KeyKind } from "./key-enums";
import { maskSecret, newPublicId, newSecret, SecretKind } from "./key-format";
import { KeySecret } from "./key-secret.entity";

const SECRET_KIND: Record<KeyKind, SecretKind> = {
  [KeyKind.SECRET]: SecretKind.SECRET,
  [KeyKind.KEY_PAIR]: SecretKind.KEY_PAIR,
  [KeyKind.BASIC]: SecretKind.BASIC,
  [KeyKind.OAUTH_CLIENT]: SecretKind.OAUTH_CLIENT,
};

const PUBLIC_PREFIX = { [KeyKind.KEY_PAIR]: "lkak", [KeyKind.BASIC]: "lkbu", [KeyKind.OAUTH_CLIENT]: "lkci" } as const;

export function publicIdFor(kind: KeyKind): string | null {
  return kind === KeyKind.SECRET ? null : newPublicId(PUBLIC_PREFIX[kind]);
}

/** OAuth client secrets, and every secret of a SHOW_ONCE organisation, are never kept in a revealable form. */
export function isRevealable(kind: KeyKind, organization: Organization): boolean {
  return kind !== KeyKind.OAUTH_CLIENT && organization.settings.revealPolicy === RevealPolicy.REVEALABLE;
}

/**
 * Mints a new current secret for the key and returns its plaintext, which exists only in the
 * response to the caller. The database gets the peppered digest and, where revealable, the
 * AES-GCM ciphertext.
 */
export function issueSecret(em: EntityManager, crypto: KeyCrypto, key: ApiKey, organization: Organization): string {
  const secret = newSecret(SECRET_KIND[key.kind]);
  em.persist(
    em.create(KeySecret, {
      key,
      digest: crypto.digest(secret),
      sealed: isRevealable(key.kind, organization) ? crypto.seal(secret) : null,
      createdAt: new Date(),
      expiresAt: null,
    }),
  );
  key.maskedSecret = maskSecret(secret);
  return secret;
}
