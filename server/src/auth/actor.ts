/**
 * Who is making a request. Permissions always come from a user's memberships; an actor that is an
 * API key (a later capability) acts for its mapped user, narrowed by the key's scopes.
 */
export interface Actor {
  userId: string;
  sessionId: string | null;
}

export interface RequestInfo {
  requestId: string;
  ipAddress: string | null;
  userAgent: string | null;
}
