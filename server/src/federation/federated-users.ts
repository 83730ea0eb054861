import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { AuditAction } from "../audit/audit-action";
import { emailSchema } from "../auth/auth.inputs";
import { commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { User } from "../users/user.entity";
import { UserIdentity } from "../users/user-identity.entity";
import type { FederatedClaims } from "./token-verification";

/** A first sign-in that must not go through; the message is for the log, never for the client. */
export class FederatedSignInRefused extends Error {
  override name = "FederatedSignInRefused";
}

/**
 * The user a verified token stands for: found by (issuer, subject), or created on first use with
 * the token's email and name. A first sign-in whose email already belongs to an account joins
 * that account only if the issuer allows linking and the token says `email_verified: true`;
 * otherwise it is refused, so that nobody takes over a password account by asserting its email.
 */
export async function federatedUserId(ctx: ServiceContext, claims: FederatedClaims): Promise<string> {
  const existing = await identityOwner(ctx, claims);
  if (existing) return existing;
  try {
    return await firstSignIn(ctx, claims);
  } catch (error) {
    // Another request (or instance) created the identity first: it is ours to use now. Its user may
    // even have made this one see the email as taken (refused) rather than collide on the insert.
    if (error instanceof UniqueConstraintViolationException || error instanceof FederatedSignInRefused) {
      const raced = await identityOwner(ctx, claims);
      if (raced) return raced;
    }
    throw error;
  }
}

async function identityOwner(ctx: ServiceContext, { issuer, subject }: FederatedClaims): Promise<string | null> {
  const rows = await ctx.em
    .getConnection()
    .execute<Array<{ user_id: string }>>("select user_id from user_identities where issuer = ? and subject = ?", [issuer.issuer, subject]);
  return rows[0]?.user_id ?? null;
}

async function firstSignIn(ctx: ServiceContext, claims: FederatedClaims): Promise<string> {
  const { issuer, subject } = claims;
  const email = emailSchema.safeParse(claims.email ?? "");
  if (!email.success) throw new FederatedSignInRefused(`first sign-in without a valid email (claim "${issuer.claims.email}")`);
  return commitChange(ctx, async (tx, record) => {
    const owner = await tx.findOne(User, { email: email.data });
    if (owner && !issuer.linkVerifiedEmail) {
      throw new FederatedSignInRefused("the email belongs to an existing account and linkVerifiedEmail is off for this issuer");
    }
    if (owner && !claims.emailVerified) {
      throw new FederatedSignInRefused("the email belongs to an existing account and the token does not say email_verified: true");
    }
    const user =
      owner ?? tx.create(User, { email: email.data, name: claims.name ?? email.data, passwordHash: null, createdAt: ctx.clock.now() });
    tx.persist(tx.create(UserIdentity, { user, issuer: issuer.issuer, subject, createdAt: ctx.clock.now() }));
    record.change({
      action: owner ? AuditAction.USER_SIGNED_IN : AuditAction.USER_SIGNED_UP,
      organizationId: null,
      targetType: "User",
      targetId: user.id,
      actorUserId: user.id,
      metadata: { identityProvider: issuer.issuer, ...(owner ? { linkedByVerifiedEmail: true } : {}) },
    });
    return user.id;
  });
}
