import { Field, InputType } from "type-graphql";
import { z } from "zod";
import { ValidatedBy } from "../graphql/validated-input";

/** An email address as accounts are keyed by it: trimmed and lower-cased. */
export const emailSchema = z.string().trim().toLowerCase().email("must be a valid email address").max(254);

export const signUpSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, "must not be empty").max(200),
  password: z.string().min(10, "must be at least 10 characters").max(256, "must be at most 256 characters"),
});
export type SignUp = z.output<typeof signUpSchema>;

@ValidatedBy(signUpSchema)
@InputType({ description: "A new account." })
export class SignUpInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "At least 10 characters." })
  password!: string;
}

export const signInSchema = z.object({ email: emailSchema, password: z.string().min(1, "must not be empty").max(256) });
export type SignIn = z.output<typeof signInSchema>;

@ValidatedBy(signInSchema)
@InputType()
export class SignInInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}
