import type { CallerGrants } from "./caller-grants";
import type { Permission } from "./permission";

/** The key behind a key-authenticated request. */
export interface KeyActor {
  keyId: string;
  /**
   * The key secret presented, or the one that earned the access token presented: the credential
   * lasts only as long as that secret (rotating it away ends the credential, as revoking the key does).
   */
  secretId: string;
  organizationId: string;
  /** A location key reaches only this location. */
  locationId: string | null;
  scopes: readonly Permission[];
}

/**
 * Who is making a request. Permissions always come from a user's memberships; a key acts for its
 * mapped user, narrowed to its own organisation (or location) and scopes.
 */
export interface Actor {
  userId: string;
  sessionId: string | null;
  key?: KeyActor;
}

/**
 * An authenticated actor with what authentication already read about their memberships, so that the
 * request's authorizer need not read it again; null when it read nothing.
 */
export interface Caller {
  actor: Actor;
  grants: CallerGrants | null;
}

export interface RequestInfo {
  requestId: string;
  ipAddress: string | null;
  userAgent: string | null;
}
