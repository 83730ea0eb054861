import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditAction } from "../audit/audit-action";
import { commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { conflictOnDuplicate } from "../db/errors";
import { RateLimited, UserErrorCode, userError } from "../graphql/errors";
import { User } from "../users/user.entity";
import type { Actor } from "./actor";
import type { SignIn, SignUp } from "./auth.inputs";
import type { AuthLimits } from "./auth-limits";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./password";
import { Session } from "./session.entity";
import { hashSessionToken, looksLikeSessionToken, newSessionToken } from "./session-token";

export interface SignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

/**
 * What signing up or in needs beyond the context: the process's rate limits, how long a session
 * lasts, and whether passwords are a way in at all (`PASSWORD_SIGNUP`, `PASSWORD_SIGNIN`: hosts
 * whose people sign in through their own identity provider turn them off). Unset means allowed.
 */
export interface SessionIssuing {
  authLimits: AuthLimits;
  sessionTtlHours: number;
  passwordSignUp?: boolean;
  passwordSignIn?: boolean;
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
  { authLimits, sessionTtlHours, passwordSignUp = true }: SessionIssuing,
): Promise<SignedIn> {
  if (!passwordSignUp) {
    throw userError(
      UserErrorCode.FORBIDDEN,
      "Signing up with a password is turned off here; sign in through your organization's identity provider.",
    );
  }
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
  { authLimits, sessionTtlHours, passwordSignIn = true }: SessionIssuing,
): Promise<SignedIn> {
  if (!passwordSignIn) {
    throw userError(
      UserErrorCode.FORBIDDEN,
      "Signing in with a password is turned off here; sign in through your organization's identity provider.",
    );
  }
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
  });
}

/**
 * Resolves a bearer token to an actor: one indexed lookup by hash. Unknown, expired or revoked → null.
 * Plain SQL rather than the ORM: this runs on every session-authenticated request.
 */
export async function authenticateSessionToken(em: EntityManager, token: string): Promise<Actor | null> {
  if (!looksLikeSessionToken(token)) return null;
  const rows: Array<{ id: string; user_id: string }> = await em
    .getConnection()
    .execute("select id, user_id from sessions where token_hash = ? and revoked_at is null and expires_at > now()", [
      hashSessionToken(token),
    ]);
  const [row] = rows;
  return row ? { userId: row.user_id, sessionId: row.id } : null;
}
