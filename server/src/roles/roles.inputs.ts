import { Field, ID, InputType } from "type-graphql";
import { z } from "zod";
import { Permission } from "../auth/permission";
import { globalIdOf, nameSchema } from "../graphql/validate";
import { ValidatedBy } from "../graphql/validated-input";

/** A role's permissions: known ones, no repeats, and `ORG_READ` always among them. */
const permissionsSchema = z
  .array(z.nativeEnum(Permission))
  .max(Object.keys(Permission).length)
  .transform((permissions) => [...new Set([Permission.ORG_READ, ...permissions])]);

const descriptionSchema = z.string().trim().max(500);

export const createRoleSchema = z.object({
  organizationId: globalIdOf("Organization"),
  name: nameSchema,
  description: descriptionSchema.nullish(),
  permissions: permissionsSchema,
});
export type CreateRole = z.output<typeof createRoleSchema>;

@ValidatedBy(createRoleSchema)
@InputType({ description: "A custom role. `ORG_READ` is always included." })
export class CreateRoleInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [Permission])
  permissions!: Permission[];
}

export const updateRoleSchema = z.object({
  id: globalIdOf("Role"),
  name: nameSchema.nullish(),
  description: descriptionSchema.nullish(),
  permissions: permissionsSchema.nullish(),
});
export type UpdateRole = z.output<typeof updateRoleSchema>;

@ValidatedBy(updateRoleSchema)
@InputType({ description: "Changes to a custom role; omitted fields keep their value." })
export class UpdateRoleInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [Permission], { nullable: true })
  permissions?: Permission[] | null;
}

export const deleteRoleSchema = z.object({ id: globalIdOf("Role") });
export type DeleteRole = z.output<typeof deleteRoleSchema>;

@ValidatedBy(deleteRoleSchema)
@InputType()
export class DeleteRoleInput {
  @Field(() => ID)
  id!: string;
}
