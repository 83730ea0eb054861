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
  platform?: undefined;
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
