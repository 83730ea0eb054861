import type { EntityManager } from "@mikro-orm/postgresql";
import { CredentialRefused, TooManyFailures } from "../graphql/errors";
import type { FailedAttempts } from "../keys/failed-attempts";
import { KeyKind } from "../keys/key-enums";
import type { KeyVerifier, Verification } from "../keys/key-verifier";
import type { Actor, Caller } from "./actor";
import { identifySession } from "./auth.service";
import { CallerCache } from "./caller-cache";
import type { Grant } from "./caller-grants";

/** The headers a credential can arrive in. */
export interface CredentialHeaders {
  authorization?: string | null;
  accessKey?: string | null;
  secretKey?: string | null;
}

export function bearerToken(header: string | undefined | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/** `Basic base64(user:password)` → its parts, or null. */
export function basicCredentials(header: string | undefined | null): { username: string; password: string } | null {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "")?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon > 0 ? { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : null;
}

/** The public half of a presented pair (access key ID or Basic username), counted as well as the address. */
function publicIdentifier(headers: CredentialHeaders): string | null {
  if (headers.accessKey) return headers.accessKey;
  return basicCredentials(headers.authorization)?.username ?? null;
}

/**
 * Actors and callers made from what a check answered with (a key's cached record, a verified token's
 * actor), kept as long as that object lives: every request with the same credential then shares one,
 * instead of building the same objects again. An eviction or a narrower answer is a new object, so a
 * new actor. Shared, hence frozen.
 */
const actorsOfRecords = new WeakMap<object, Actor>();
const callersOfActors = new WeakMap<Actor, Caller>();

function keyActor(verification: Verification): Actor | null {
  if (!verification.valid) return null;
  const { key } = verification;
  let actor = actorsOfRecords.get(key);
  if (!actor) {
    const keyActor = Object.freeze({
      keyId: key.id,
      secretId: key.secretId,
      organizationId: key.organizationId,
      locationId: key.locationId,
      scopes: key.scopes,
    });
    actor = Object.freeze({ userId: key.mappedUserId, sessionId: null, key: keyActor });
    actorsOfRecords.set(key, actor);
  }
  return actor;
}

/** Verifies platform keys (`lk_pf_…`); supplied by the platform domain. */
export type PlatformKeyCheck = (secret: string) => Promise<Actor | null>;

/**
 * A key's check (verification, or an access token's `currentScopes`) has just read the mapped user's
 * role in the key's organisation and narrowed the scopes to it: that is all a key may ever use, so
 * the authorizer needs no statement of its own. Partial: it says nothing of other organisations.
 * An actor without a key comes with no grants (the authorizer reads them).
 */
function checkedKeyCaller(actor: Actor | null): Caller | null {
  if (!actor) return null;
  if (!actor.key) return { actor, grants: null };
  const known = callersOfActors.get(actor);
  if (known) return known;
  const grant: Grant = Object.freeze({ roleId: null, permissions: actor.key.scopes });
  const grants = Object.freeze({ byOrganization: new Map([[actor.key.organizationId, grant]]), complete: false });
  const caller = Object.freeze({ actor, grants });
  callersOfActors.set(actor, caller);
  return caller;
}

/**
 * Verifies OAuth access tokens (JWTs); supplied by the OAuth domain. The actor's key scopes must lie
 * within the mapped user's current role in the key's organisation: the authorizer relies on it.
 */
export type AccessTokenVerifier = (token: string, clientAddress: string | null) => Promise<Actor | null>;

/** Verifies JWTs from the host's trusted identity providers; supplied by the federation domain. */
export interface FederatedTokenVerifier {
  /**
   * The actor of a token from a trusted issuer, or null when it fails its checks; undefined when
   * its (unverified) issuer is not a trusted one, so that another verifier checks it.
   */
  actorFor(token: string, clientAddress: string | null): Promise<Actor | null | undefined>;
}

/**
 * Turns a request's credential into an actor: a session token, a SECRET key as Bearer, a KEY_PAIR
 * as `accessKey` + `secretKey` headers, a BASIC key as HTTP Basic, an OAuth access token, or a JWT
 * from one of the host's trusted identity providers.
 * No credential → anonymous (null); a credential that fails → CredentialRefused, so a client with
 * a stale token learns it at once instead of seeing an empty, anonymous view.
 */
export class Authenticator {
  constructor(
    private readonly em: EntityManager,
    private readonly keys: KeyVerifier,
    private readonly failures: FailedAttempts,
    private accessTokens: AccessTokenVerifier | null = null,
    /** Sessions and grants already known; without one, every session is looked up. */
    private readonly callers: CallerCache = new CallerCache({ ttlMs: 0, maxEntries: 1 }),
  ) {}

  private platformKeys: PlatformKeyCheck | null = null;

  /** The platform domain plugs its key check in here. */
  acceptPlatformKeys(check: PlatformKeyCheck): void {
    this.platformKeys = check;
  }

  /** The OAuth domain plugs its token check in here once it has its signing keys. */
  acceptAccessTokens(verifier: AccessTokenVerifier): void {
    this.accessTokens = verifier;
  }

  private federatedTokens: FederatedTokenVerifier | null = null;

  /** The federation domain plugs in the check of tokens from the host's identity providers. */
  acceptFederatedTokens(verifier: FederatedTokenVerifier): void {
    this.federatedTokens = verifier;
  }

  /** A valid credential is always accepted; only failing ones are throttled (see FailedAttempts). */
  async authenticate(headers: CredentialHeaders, clientAddress: string | null): Promise<Actor | null> {
    return (await this.identify(headers, clientAddress))?.actor ?? null;
  }

  /**
   * As `authenticate`, with what the credential's check read about the actor's grants: for one
   * request's authorizer only (`buildContext`), never for a connection that outlives it.
   */
  async identify(headers: CredentialHeaders, clientAddress: string | null): Promise<Caller | null> {
    const caller = await this.resolve(headers, clientAddress);
    if (caller === undefined) return null;
    if (!caller) {
      const verdict = this.failures.failed(clientAddress, publicIdentifier(headers));
      throw verdict.throttled ? new TooManyFailures(verdict.retryAfterSeconds) : new CredentialRefused();
    }
    return caller;
  }

  /** undefined: no credential at all; null: a credential that failed. */
  private async resolve(headers: CredentialHeaders, clientAddress: string | null): Promise<Caller | null | undefined> {
    if (headers.accessKey || headers.secretKey) {
      const verification = await this.keys.verify(
        { secret: headers.secretKey ?? "", publicId: headers.accessKey ?? "", kinds: [KeyKind.KEY_PAIR] },
        clientAddress,
      );
      return checkedKeyCaller(keyActor(verification));
    }
    if (!headers.authorization) return undefined;
    const basic = basicCredentials(headers.authorization);
    if (basic) {
      const verification = await this.keys.verify(
        { secret: basic.password, publicId: basic.username, kinds: [KeyKind.BASIC] },
        clientAddress,
      );
      return checkedKeyCaller(keyActor(verification));
    }
    const token = bearerToken(headers.authorization);
    if (!token) return null;
    if (token.startsWith("lk_session_")) return identifySession(this.em, this.callers, token);
    // A platform key's actor is a member of nothing: it comes with no grants, and the authorizer reads none.
    if (token.startsWith("lk_pf_")) return checkedKeyCaller(this.platformKeys ? await this.platformKeys(token) : null);
    if (token.startsWith("lk_")) {
      return checkedKeyCaller(keyActor(await this.keys.verify({ secret: token, kinds: [KeyKind.SECRET] }, clientAddress)));
    }
    // Any other JWT: a trusted issuer's goes to its verifier; everything else, unknown issuers
    // included, to our own OAuth verifier, which accepts only tokens it issued itself and narrows the
    // token's scopes to the key's current ones (`currentScopes`).
    const federated = await this.federatedTokens?.actorFor(token, clientAddress);
    if (federated !== undefined) return checkedKeyCaller(federated);
    return this.accessTokens ? checkedKeyCaller(await this.accessTokens(token, clientAddress)) : null;
  }
}
