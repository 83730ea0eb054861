import type { EntityManager } from "@mikro-orm/postgresql";
import { GraphQLError } from "graphql";
import { GraphQLErrorCode } from "../graphql/errors";
import type { Actor } from "./actor";
import { authenticateSessionToken } from "./auth.service";

/** Why a presented credential was refused; the message never says which part was wrong. */
export class CredentialRefused extends GraphQLError {
  constructor() {
    super("The credential sent is invalid, expired or revoked. Sign in again.", {
      extensions: { code: GraphQLErrorCode.UNAUTHENTICATED, http: { status: 401 } },
    });
  }
}

/** The bearer token of an `Authorization` header value, or null when there is none. */
export function bearerToken(header: string | undefined | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1] : null;
}

/**
 * Turns a request's credential into an actor. No credential → anonymous (null); a credential that
 * fails → CredentialRefused, so a client with a stale token learns it at once instead of seeing
 * an empty, anonymous view.
 */
export async function authenticate(em: EntityManager, authorization: string | undefined | null): Promise<Actor | null> {
  if (!authorization) return null;
  const token = bearerToken(authorization);
  const actor = token ? await authenticateSessionToken(em, token) : null;
  if (!actor) throw new CredentialRefused();
  return actor;
}
