import { Field, ID, InputType, Int } from "type-graphql";
import { RevealPolicy } from "./organization-settings";

@InputType()
export class CreateOrganizationInput {
  @Field(() => String)
  name!: string;
}

@InputType({ description: "Settings to change; omitted fields keep their value." })
export class OrganizationSettingsInput {
  @Field(() => Boolean, { nullable: true })
  apiAccessForNonAdmins?: boolean | null;

  @Field(() => Int, { nullable: true, description: "Raise it to require every member to accept the new API agreement." })
  agreementVersion?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The agreement's terms, plain text up to 20,000 characters; an explicit null removes them. Raise `agreementVersion` too, to have members accept the new terms.",
  })
  agreementText?: string | null;

  @Field(() => RevealPolicy, { nullable: true })
  revealPolicy?: RevealPolicy | null;

  @Field(() => Int, { nullable: true, description: "1 to 3650." })
  inactivityDays?: number | null;

  @Field(() => [Int], { nullable: true, description: "1 to 10 distinct values, each 1 to 365." })
  expiryWarningDays?: number[] | null;

  @Field(() => Int, { nullable: true, description: "1 to 3650 days; an explicit null allows keys that never expire." })
  maxKeyLifetimeDays?: number | null;

  @Field(() => Boolean, { nullable: true })
  requireKeyApproval?: boolean | null;
}

@InputType()
export class UpdateOrganizationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => OrganizationSettingsInput, { nullable: true })
  settings?: OrganizationSettingsInput | null;
}

@InputType()
export class DeleteOrganizationInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class CreateLocationInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  address?: string | null;
}

@InputType()
export class UpdateLocationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "An empty string clears the address." })
  address?: string | null;
}

@InputType()
export class DeleteLocationInput {
  @Field(() => ID)
  id!: string;
}
