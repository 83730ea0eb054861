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
 * A person, or a key acting for its mapped user. Permissions always come from a user's memberships;
 * a key acts for its mapped user, narrowed to its own organisation (or location) and scopes.
 */
export interface UserActor {
  userId: string;
  sessionId: string | null;
  key?: KeyActor;
  /**
   * When a credential that is neither a session nor a key stops being valid: a token from the
   * host's identity provider (its `exp`). A long-lived subscription opened with it ends then.
   */
  expiresAt?: Date;
  platform?: undefined;
}

/**
 * An authenticated actor with what authentication already read about their memberships, so that the
 * request's authorizer need not read it again; null when it read nothing.
 */
export interface Caller {
  actor: Actor;
  grants: CallerGrants | null;
}

/**
 * The host product's backend, authenticated by a platform key (`lk_pf_…`). It is nobody's user and a
 * member of no organisation, so the Authorizer grants it nothing inside one; only provisioning accepts it.
 */
export interface PlatformActor {
  userId: null;
  sessionId: null;
  key?: undefined;
  platform: { platformKeyId: string };
}

/** Who is making a request. */
export type Actor = UserActor | PlatformActor;

export interface RequestInfo {
  requestId: string;
  ipAddress: string | null;
  userAgent: string | null;
}
