import { Field, InputType } from "type-graphql";
import { z } from "zod";
import { emailSchema } from "../auth/auth.inputs";
import { nameSchema } from "../graphql/validate";
import { ValidatedBy } from "../graphql/validated-input";

/** The host product's own ID of an object: opaque text, compared exactly. */
export const externalIdSchema = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
/** A trusted identity provider's issuer (its `iss`), as the host's sign-in tokens carry it. */
const issuerSchema = z.string().trim().min(1, "must not be empty").max(500, "must be at most 500 characters");
const addressSchema = z.string().trim().max(500, "must be at most 500 characters");

export const upsertOrganizationSchema = z.object({ externalId: externalIdSchema, name: nameSchema });
export type UpsertOrganization = z.output<typeof upsertOrganizationSchema>;

@ValidatedBy(upsertOrganizationSchema)
@InputType({ description: "An organisation by the host's tenant ID: created with the built-in roles (and no member) or renamed." })
export class UpsertOrganizationInput {
  @Field(() => String, { description: "The host's tenant ID, unique among organisations." })
  externalId!: string;

  @Field(() => String)
  name!: string;
}

export const organizationByExternalIdSchema = z.object({ externalId: externalIdSchema });
export type OrganizationByExternalId = z.output<typeof organizationByExternalIdSchema>;

@ValidatedBy(organizationByExternalIdSchema)
@InputType()
export class DeleteOrganizationByExternalIdInput {
  @Field(() => String)
  externalId!: string;
}

export const upsertLocationSchema = z.object({
  organizationExternalId: externalIdSchema,
  externalId: externalIdSchema,
  name: nameSchema,
  address: addressSchema.nullish(),
});
export type UpsertLocation = z.output<typeof upsertLocationSchema>;

@ValidatedBy(upsertLocationSchema)
@InputType({ description: "A location by the host's IDs: created or changed. An omitted address keeps the current one." })
export class UpsertLocationInput {
  @Field(() => String)
  organizationExternalId!: string;

  @Field(() => String, { description: "The host's ID for the location, unique within its organisation." })
  externalId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: "An empty string clears the address." })
  address?: string | null;
}

export const locationByExternalIdSchema = z.object({ organizationExternalId: externalIdSchema, externalId: externalIdSchema });
export type LocationByExternalId = z.output<typeof locationByExternalIdSchema>;

@ValidatedBy(locationByExternalIdSchema)
@InputType()
export class DeleteLocationByExternalIdInput {
  @Field(() => String)
  organizationExternalId!: string;

  @Field(() => String)
  externalId!: string;
}

export const upsertUserSchema = z.object({ externalId: externalIdSchema, issuer: issuerSchema, email: emailSchema, name: nameSchema });
export type UpsertUser = z.output<typeof upsertUserSchema>;

@ValidatedBy(upsertUserSchema)
@InputType({
  description:
    "A user by the host's user ID at its identity provider: created (without a password) or changed. Their first sign-in with a token from that issuer and subject finds this user.",
})
export class UpsertUserInput {
  @Field(() => String, { description: "The host's user ID: the `sub` of its users' tokens." })
  externalId!: string;

  @Field(() => String, { description: "The identity provider's issuer (`iss`) whose subjects the external IDs are." })
  issuer!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;
}

const membershipKeySchema = z.object({ organizationExternalId: externalIdSchema, userExternalId: externalIdSchema, issuer: issuerSchema });

export const upsertMembershipSchema = membershipKeySchema.extend({ role: nameSchema });
export type UpsertMembership = z.output<typeof upsertMembershipSchema>;

@ValidatedBy(upsertMembershipSchema)
@InputType({ description: "A user's membership of an organisation, by external IDs: added, or given the named role." })
export class UpsertMembershipInput {
  @Field(() => String)
  organizationExternalId!: string;

  @Field(() => String)
  userExternalId!: string;

  @Field(() => String)
  issuer!: string;

  @Field(() => String, { description: "A role of the organisation by name (`Admin`, or a custom role's name) or built-in kind (`ADMIN`)." })
  role!: string;
}

export const removeMembershipSchema = membershipKeySchema;
export type RemoveMembership = z.output<typeof removeMembershipSchema>;

@ValidatedBy(removeMembershipSchema)
@InputType()
export class RemoveMembershipInput {
  @Field(() => String)
  organizationExternalId!: string;

  @Field(() => String)
  userExternalId!: string;

  @Field(() => String)
  issuer!: string;
}
