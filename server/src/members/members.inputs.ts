import { Field, ID, InputType } from "type-graphql";
import { z } from "zod";
import { emailSchema } from "../auth/auth.inputs";
import { globalIdOf } from "../graphql/validate";
import { ValidatedBy } from "../graphql/validated-input";

export const addMemberSchema = z.object({ organizationId: globalIdOf("Organization"), email: emailSchema, roleId: globalIdOf("Role") });
export type AddMember = z.output<typeof addMemberSchema>;

@ValidatedBy(addMemberSchema)
@InputType({ description: "Adds an existing Latchkey user, by email, with a role." })
export class AddMemberInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  email!: string;

  @Field(() => ID)
  roleId!: string;
}

export const changeMemberRoleSchema = z.object({ membershipId: globalIdOf("Membership"), roleId: globalIdOf("Role") });
export type ChangeMemberRole = z.output<typeof changeMemberRoleSchema>;

@ValidatedBy(changeMemberRoleSchema)
@InputType()
export class ChangeMemberRoleInput {
  @Field(() => ID)
  membershipId!: string;

  @Field(() => ID)
  roleId!: string;
}

export const removeMemberSchema = z.object({ membershipId: globalIdOf("Membership") });
export type RemoveMember = z.output<typeof removeMemberSchema>;

@ValidatedBy(removeMemberSchema)
@InputType()
export class RemoveMemberInput {
  @Field(() => ID)
  membershipId!: string;
}
