import { GraphQLDateTimeISO } from "graphql-scalars";
import { Arg, Ctx, Extensions, Field, Mutation, ObjectType, Resolver } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { ChangesCredentials } from "../graphql/credential-mutations";
import { UserError } from "../graphql/errors";
import { listMaximum } from "../graphql/operation-cost";
import { MAX_USER_ERRORS, MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { User } from "../users/user.entity";
import { SignInInput, SignUpInput, signInSchema, signUpSchema } from "./auth.inputs";
import { type SessionIssuing, signIn, signOut, signUp } from "./auth.service";

@ObjectType({ description: "The outcome of signing up or in: a session token to send as `Authorization: Bearer <token>`." })
class AuthPayload {
  @Field(() => String, { nullable: true, description: "The session token. Shown only here; keep it secret." })
  token!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => User, { nullable: true })
  user!: User | null;

  @Field(() => [UserError])
  @Extensions(listMaximum(MAX_USER_ERRORS))
  userErrors!: UserError[];
}

/** The process's sign-in limits, session lifetime and password switches, which the auth services take as arguments. */
function sessionIssuing(ctx: RequestContext): SessionIssuing {
  const { passwordSignUp, passwordSignIn } = ctx.config.federation;
  return { authLimits: ctx.services.authLimits, sessionTtlHours: ctx.config.sessionTtlHours, passwordSignUp, passwordSignIn };
}

const SignOutPayload = MutationPayload("SignOutPayload", "signedOut", () => Boolean, "The outcome of signing out.");

@Resolver()
export class AuthResolver {
  @ChangesCredentials()
  @Mutation(() => AuthPayload, { description: "Creates an account and signs it in." })
  signUp(@Arg("input", () => SignUpInput) input: SignUpInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => signUp(ctx, parseInput(signUpSchema, input), sessionIssuing(ctx)),
      (session) => session,
    );
  }

  @ChangesCredentials()
  @Mutation(() => AuthPayload, { description: "Signs in with email and password." })
  signIn(@Arg("input", () => SignInInput) input: SignInInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => signIn(ctx, parseInput(signInSchema, input), sessionIssuing(ctx)),
      (session) => session,
    );
  }

  @Mutation(() => SignOutPayload, { description: "Revokes the session this request was made with." })
  signOut(@Ctx() ctx: RequestContext) {
    return toPayload(
      () => signOut(ctx),
      () => ({ signedOut: true }),
    );
  }
}
