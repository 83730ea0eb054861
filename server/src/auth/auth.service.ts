import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditAction } from "../audit/audit-action";
import { callerEvent, commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { conflictOnDuplicate } from "../db/errors";
import { CallerEventType } from "../events/events";
import { RateLimited, UserErrorCode, userError } from "../graphql/errors";
import { User } from "../users/user.entity";
import type { Caller } from "./actor";
import type { SignIn, SignUp } from "./auth.inputs";
import type { AuthLimits } from "./auth-limits";
import type { CallerCache } from "./caller-cache";
import { type GrantTuple, grantsFromTuples, grantTuplesOf } from "./caller-grants";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./password";
import { Session } from "./session.entity";
import { hashSessionToken, looksLikeSessionToken, newSessionToken } from "./session-token";

export interface SignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

/** What signing up or in needs beyond the context: the process's rate limits and how long a session lasts. */
export interface SessionIssuing {
  authLimits: AuthLimits;
  sessionTtlHours: number;
}

function openSession(tx: EntityManager, ctx: ServiceContext, user: User, sessionTtlHours: number): SignedIn {
  const token = newSessionToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + sessionTtlHours * 3_600_000);
  tx.persist(
    tx.create(Session, {
      user,
      tokenHash: hashSessionToken(token),
      expiresAt,
      ipAddress: ctx.origin.ipAddress,
      userAgent: ctx.origin.userAgent,
      createdAt: now,
      revokedAt: null,
    }),
  );
  return { user, token, expiresAt };
}

export async function signUp(
  ctx: ServiceContext,
  { email, name, password }: SignUp,
  { authLimits, sessionTtlHours }: SessionIssuing,
): Promise<SignedIn> {
  const refusal = authLimits.admitSignUp(ctx.origin.ipAddress);
  if (refusal) throw new RateLimited(refusal.reason, refusal.retryAfterSeconds);
  const passwordHash = await hashPassword(password);
  const duplicate = "An account with this email already exists.";
  return conflictOnDuplicate(
    () =>
      commitChange(ctx, async (tx, record) => {
        if (await tx.count(User, { email })) {
          throw userError(UserErrorCode.CONFLICT, duplicate, ["email"]);
        }
        const user = tx.create(User, { email, name, passwordHash, createdAt: ctx.clock.now() });
        record.change({
          action: AuditAction.USER_SIGNED_UP,
          organizationId: null,
          targetType: "User",
          targetId: user.id,
          actorUserId: user.id,
        });
        return openSession(tx, ctx, user, sessionTtlHours);
      }),
    duplicate,
    ["email"],
  );
}

/** Wrong email and wrong password give the same answer, in the same time. */
export async function signIn(
  ctx: ServiceContext,
  { email, password }: SignIn,
  { authLimits, sessionTtlHours }: SessionIssuing,
): Promise<SignedIn> {
  // Checked before hashing (see AuthLimits for the rule).
  const address = ctx.origin.ipAddress;
  const refusal = authLimits.admitSignIn(address, email);
  if (refusal) throw new RateLimited(refusal.reason, refusal.retryAfterSeconds);
  const user = await ctx.em.findOne(User, { email }, { populate: ["passwordHash"] });
  const passwordMatches = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
  if (!user || !passwordMatches) {
    authLimits.passwordFailed(address, email);
    if (user) {
      await commitChange(ctx, async (_tx, record) => {
        record.change({
          action: AuditAction.USER_SIGN_IN_FAILED,
          organizationId: null,
          targetType: "User",
          targetId: user.id,
          actorUserId: null,
        });
      });
    }
    throw userError(UserErrorCode.INVALID_CREDENTIALS, "Email or password is incorrect.");
  }
  return commitChange(ctx, async (tx, record) => {
    record.change({
      action: AuditAction.USER_SIGNED_IN,
      organizationId: null,
      targetType: "User",
      targetId: user.id,
      actorUserId: user.id,
    });
    return openSession(tx, ctx, user, sessionTtlHours);
  });
}

/** Revokes the session the request was made with. */
export async function signOut(ctx: ServiceContext): Promise<void> {
  const actor = ctx.authz.requireActor();
  if (!actor.sessionId) throw userError(UserErrorCode.INVALID_INPUT, "This request was not made with a session.");
  const sessionId = actor.sessionId;
  await commitChange(ctx, async (tx, record) => {
    await tx.nativeUpdate(Session, { id: sessionId, revokedAt: null }, { revokedAt: ctx.clock.now() });
    record.change({
      action: AuditAction.USER_SIGNED_OUT,
      organizationId: null,
      targetType: "User",
      targetId: actor.userId,
    });
    // Every instance forgets the session it may have cached.
    record.event(callerEvent(CallerEventType.SESSION_ENDED, sessionId));
  });
}

interface SessionRow {
  id: string;
  user_id: string;
  expires_at: Date | string;
  grants: GrantTuple[];
}

/** The session with its user's grants: everything a request needs about its caller, in one statement. */
const SESSION_WITH_GRANTS = `
  select s.id, s.user_id, s.expires_at, ${grantTuplesOf("s.user_id")} as grants
  from sessions s
  where s.token_hash = ? and s.revoked_at is null and s.expires_at > now()`;

/**
 * Resolves a session token to its caller: from the cache of callers when it knows the session (no
 * statement), else one indexed lookup by hash that reads the user's grants too. Unknown, expired or
 * revoked → null. Plain SQL rather than the ORM: this runs on every session-authenticated request.
 */
export async function identifySession(em: EntityManager, callers: CallerCache, token: string): Promise<Caller | null> {
  if (!looksLikeSessionToken(token)) return null;
  const tokenHash = hashSessionToken(token);
  const cached = callers.session(tokenHash);
  if (cached && cached.expiresAt.getTime() > Date.now()) {
    return { actor: { userId: cached.userId, sessionId: cached.sessionId }, grants: callers.grantsOf(cached.userId) ?? null };
  }
  const generation = callers.generation;
  const [row] = await em.getConnection().execute<SessionRow[]>(SESSION_WITH_GRANTS, [tokenHash]);
  if (!row) return null;
  const grants = grantsFromTuples(row.grants);
  callers.rememberSession(tokenHash, { sessionId: row.id, userId: row.user_id, expiresAt: new Date(row.expires_at) }, generation);
  callers.rememberGrants(row.user_id, grants, generation);
  return { actor: { userId: row.user_id, sessionId: row.id }, grants };
}
