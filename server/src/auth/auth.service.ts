import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { conflictOnDuplicate } from "../db/errors";
import type { RequestContext } from "../graphql/context";
import { RateLimited, UserErrorCode, userError } from "../graphql/errors";
import { parseInput } from "../graphql/validate";
import { User } from "../users/user.entity";
import type { Actor } from "./actor";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./password";
import { Session } from "./session.entity";
import { hashSessionToken, looksLikeSessionToken, newSessionToken } from "./session-token";

export const emailSchema = z.string().trim().toLowerCase().email("must be a valid email address").max(254);

const signUpSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, "must not be empty").max(200),
  password: z.string().min(10, "must be at least 10 characters").max(256, "must be at most 256 characters"),
});

const signInSchema = z.object({ email: emailSchema, password: z.string().min(1, "must not be empty").max(256) });

export interface SignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

async function openSession(em: EntityManager, ctx: RequestContext, user: User): Promise<SignedIn> {
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + ctx.config.sessionTtlHours * 3_600_000);
  em.persist(
    em.create(Session, {
      user,
      tokenHash: hashSessionToken(token),
      expiresAt,
      ipAddress: ctx.origin.ipAddress,
      userAgent: ctx.origin.userAgent,
      createdAt: new Date(),
      revokedAt: null,
    }),
  );
  return { user, token, expiresAt };
}

export async function signUp(ctx: RequestContext, input: unknown): Promise<SignedIn> {
  const { email, name, password } = parseInput(signUpSchema, input);
  const refusal = ctx.services.authLimits.admitSignUp(ctx.origin.ipAddress);
  if (refusal) throw new RateLimited(refusal.reason, refusal.retryAfterSeconds);
  const passwordHash = await hashPassword(password);
  const duplicate = "An account with this email already exists.";
  return conflictOnDuplicate(
    () =>
      ctx.em.transactional(async (em) => {
        if (await em.count(User, { email })) {
          throw userError(UserErrorCode.CONFLICT, duplicate, ["email"]);
        }
        const user = em.create(User, { email, name, passwordHash, createdAt: new Date() });
        recordAudit(em, ctx, {
          action: AuditAction.USER_SIGNED_UP,
          organizationId: null,
          targetType: "User",
          targetId: user.id,
          actorUserId: user.id,
        });
        return openSession(em, ctx, user);
      }),
    duplicate,
    ["email"],
  );
}

/** Wrong email and wrong password give the same answer, in the same time. */
export async function signIn(ctx: RequestContext, input: unknown): Promise<SignedIn> {
  const { email, password } = parseInput(signInSchema, input);
  // Checked before hashing (see AuthLimits for the rule).
  const { authLimits } = ctx.services;
  const address = ctx.origin.ipAddress;
  const refusal = authLimits.admitSignIn(address, email);
  if (refusal) throw new RateLimited(refusal.reason, refusal.retryAfterSeconds);
  const user = await ctx.em.findOne(User, { email }, { populate: ["passwordHash"] });
  const passwordMatches = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
  if (!user || !passwordMatches) {
    authLimits.passwordFailed(address, email);
    if (user) {
      await ctx.em.transactional(async (em) =>
        recordAudit(em, ctx, {
          action: AuditAction.USER_SIGN_IN_FAILED,
          organizationId: null,
          targetType: "User",
          targetId: user.id,
          actorUserId: null,
        }),
      );
    }
    throw userError(UserErrorCode.INVALID_CREDENTIALS, "Email or password is incorrect.");
  }
  return ctx.em.transactional(async (em) => {
    recordAudit(em, ctx, {
      action: AuditAction.USER_SIGNED_IN,
      organizationId: null,
      targetType: "User",
      targetId: user.id,
      actorUserId: user.id,
    });
    return openSession(em, ctx, user);
  });
}

/** Revokes the session the request was made with. */
export async function signOut(ctx: RequestContext): Promise<void> {
  const actor = ctx.authz.requireActor();
  if (!actor.sessionId) throw userError(UserErrorCode.INVALID_INPUT, "This request was not made with a session.");
  const sessionId = actor.sessionId;
  await ctx.em.transactional(async (em) => {
    await em.nativeUpdate(Session, { id: sessionId, revokedAt: null }, { revokedAt: new Date() });
    recordAudit(em, ctx, {
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
  return rows[0] ? { userId: rows[0].user_id, sessionId: rows[0].id } : null;
}
