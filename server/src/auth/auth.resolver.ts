import { GraphQLDateTimeISO } from "graphql-scalars";
import { Arg, Ctx, Field, InputType, Mutation, ObjectType, Resolver } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { ChangesCredentials } from "../graphql/credential-mutations";
import { UserError } from "../graphql/errors";
import { MutationPayload, toPayload } from "../graphql/payload";
import { User } from "../users/user.entity";
import { signIn, signOut, signUp } from "./auth.service";

@InputType({ description: "A new account." })
class SignUpInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "At least 10 characters." })
  password!: string;
}

@InputType()
class SignInInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@ObjectType({ description: "The outcome of signing up or in: a session token to send as `Authorization: Bearer <token>`." })
class AuthPayload {
  @Field(() => String, { nullable: true, description: "The session token. Shown only here; keep it secret." })
  token!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => User, { nullable: true })
  user!: User | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

const SignOutPayload = MutationPayload("SignOutPayload", "signedOut", () => Boolean, "The outcome of signing out.");

@Resolver()
export class AuthResolver {
  @ChangesCredentials()
  @Mutation(() => AuthPayload, { description: "Creates an account and signs it in." })
  signUp(@Arg("input", () => SignUpInput) input: SignUpInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => signUp(ctx, input),
      (session) => session,
    );
  }

  @ChangesCredentials()
  @Mutation(() => AuthPayload, { description: "Signs in with email and password." })
  signIn(@Arg("input", () => SignInInput) input: SignInInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => signIn(ctx, input),
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
