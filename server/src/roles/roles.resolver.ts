import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from "type-graphql";
import { Permission } from "../auth/permission";
import type { RequestContext } from "../graphql/context";
import { toGlobalId } from "../graphql/global-id";
import { MutationPayload, toPayload } from "../graphql/payload";
import { Organization } from "../orgs/organization.entity";
import { Role } from "./role.entity";
import { createRole, deleteRole, updateRole } from "./roles.service";

@InputType({ description: "A custom role. `ORG_READ` is always included." })
class CreateRoleInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [Permission])
  permissions!: Permission[];
}

@InputType({ description: "Changes to a custom role; omitted fields keep their value." })
class UpdateRoleInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [Permission], { nullable: true })
  permissions?: Permission[] | null;
}

@InputType()
class DeleteRoleInput {
  @Field(() => ID)
  id!: string;
}

const RolePayload = MutationPayload("RolePayload", "role", () => Role, "The role created or changed.");
const DeleteRolePayload = MutationPayload("DeleteRolePayload", "deletedRoleId", () => ID, "The ID of the deleted role.");

@Resolver(() => Role)
export class RoleResolver {
  @FieldResolver(() => Organization)
  organization(@Root() role: Role, @Ctx() ctx: RequestContext) {
    return ctx.loaders.orgs.byId.load(role.organization.id);
  }

  @Mutation(() => RolePayload, { description: "Creates a custom role from the permission catalogue. Needs `roles:manage`." })
  createRole(@Arg("input", () => CreateRoleInput) input: CreateRoleInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => createRole(ctx, input),
      (role) => ({ role }),
    );
  }

  @Mutation(() => RolePayload, { description: "Changes a custom role; members holding it gain or lose permissions at once." })
  updateRole(@Arg("input", () => UpdateRoleInput) input: UpdateRoleInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => updateRole(ctx, input),
      (role) => ({ role }),
    );
  }

  @Mutation(() => DeleteRolePayload, { description: "Deletes a custom role that no member holds." })
  deleteRole(@Arg("input", () => DeleteRoleInput) input: DeleteRoleInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => deleteRole(ctx, input),
      (id) => ({ deletedRoleId: toGlobalId("Role", id) }),
    );
  }
}
