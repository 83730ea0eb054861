import { Field, ID, InputType, Int } from "type-graphql";
import { z } from "zod";
import { globalIdOf, nameSchema } from "../graphql/validate";
import { ValidatedBy } from "../graphql/validated-input";
import { RevealPolicy } from "./organization-settings";

export const createOrganizationSchema = z.object({ name: nameSchema });
export type CreateOrganization = z.output<typeof createOrganizationSchema>;

@ValidatedBy(createOrganizationSchema)
@InputType()
export class CreateOrganizationInput {
  @Field(() => String)
  name!: string;
}

const daysSchema = (max: number) => z.number().int().min(1, "must be at least 1 day").max(max, `must be at most ${max} days`);

export const organizationSettingsSchema = z
  .object({
    apiAccessForNonAdmins: z.boolean().nullish(),
    agreementVersion: z.number().int().min(1).max(1_000_000).nullish(),
    agreementText: z
      .string()
      .trim()
      .min(1, "must not be empty (send null to remove it)")
      .max(20_000, "must be at most 20,000 characters")
      .nullish(),
    revealPolicy: z.nativeEnum(RevealPolicy).nullish(),
    inactivityDays: daysSchema(3650).nullish(),
    expiryWarningDays: z
      .array(daysSchema(365))
      .min(1, "needs at least one threshold")
      .max(10, "allows at most 10 thresholds")
      .refine((days) => new Set(days).size === days.length, "must not repeat a threshold")
      .transform((days) => [...days].sort((a, b) => b - a))
      .nullish(),
    maxKeyLifetimeDays: daysSchema(3650).nullish(),
    requireKeyApproval: z.boolean().nullish(),
  })
  .strict();
export type OrganizationSettingsChanges = z.output<typeof organizationSettingsSchema>;

@ValidatedBy(organizationSettingsSchema)
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

export const updateOrganizationSchema = z.object({
  id: globalIdOf("Organization"),
  name: nameSchema.nullish(),
  settings: organizationSettingsSchema.nullish(),
});
export type UpdateOrganization = z.output<typeof updateOrganizationSchema>;

@ValidatedBy(updateOrganizationSchema)
@InputType()
export class UpdateOrganizationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => OrganizationSettingsInput, { nullable: true })
  settings?: OrganizationSettingsInput | null;
}

export const deleteOrganizationSchema = z.object({ id: globalIdOf("Organization") });
export type DeleteOrganization = z.output<typeof deleteOrganizationSchema>;

@ValidatedBy(deleteOrganizationSchema)
@InputType()
export class DeleteOrganizationInput {
  @Field(() => ID)
  id!: string;
}

const addressSchema = z.string().trim().max(500, "must be at most 500 characters");

export const createLocationSchema = z.object({
  organizationId: globalIdOf("Organization"),
  name: nameSchema,
  address: addressSchema.nullish(),
});
export type CreateLocation = z.output<typeof createLocationSchema>;

@ValidatedBy(createLocationSchema)
@InputType()
export class CreateLocationInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  address?: string | null;
}

export const updateLocationSchema = z.object({ id: globalIdOf("Location"), name: nameSchema.nullish(), address: addressSchema.nullish() });
export type UpdateLocation = z.output<typeof updateLocationSchema>;

@ValidatedBy(updateLocationSchema)
@InputType()
export class UpdateLocationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "An empty string clears the address." })
  address?: string | null;
}

export const deleteLocationSchema = z.object({ id: globalIdOf("Location") });
export type DeleteLocation = z.output<typeof deleteLocationSchema>;

@ValidatedBy(deleteLocationSchema)
@InputType()
export class DeleteLocationInput {
  @Field(() => ID)
  id!: string;
}
