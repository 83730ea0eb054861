import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import { loadOrFail } from "../graphql/by-id-loader";
import type { RequestContext } from "../graphql/context";
import { toGlobalId } from "../graphql/global-id";
import { MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { Organization } from "../orgs/organization.entity";
import { Role } from "./role.entity";
import { CreateRoleInput, createRoleSchema, DeleteRoleInput, deleteRoleSchema, UpdateRoleInput, updateRoleSchema } from "./roles.inputs";
import { createRole, deleteRole, updateRole } from "./roles.service";

const RolePayload = MutationPayload("RolePayload", "role", () => Role, "The role created or changed.");
const DeleteRolePayload = MutationPayload("DeleteRolePayload", "deletedRoleId", () => ID, "The ID of the deleted role.");

@Resolver(() => Role)
export class RoleResolver {
  @FieldResolver(() => Organization)
  organization(@Root() role: Role, @Ctx() ctx: RequestContext) {
    return loadOrFail(ctx.loaders.orgs.byId, role.organization.id);
  }

  @Mutation(() => RolePayload, { description: "Creates a custom role from the permission catalogue. Needs `roles:manage`." })
  createRole(@Arg("input", () => CreateRoleInput) input: CreateRoleInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => createRole(ctx, parseInput(createRoleSchema, input)),
      (role) => ({ role }),
    );
  }

  @Mutation(() => RolePayload, { description: "Changes a custom role; members holding it gain or lose permissions at once." })
  updateRole(@Arg("input", () => UpdateRoleInput) input: UpdateRoleInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => updateRole(ctx, parseInput(updateRoleSchema, input)),
      (role) => ({ role }),
    );
  }

  @Mutation(() => DeleteRolePayload, { description: "Deletes a custom role that no member holds." })
  deleteRole(@Arg("input", () => DeleteRoleInput) input: DeleteRoleInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => deleteRole(ctx, parseInput(deleteRoleSchema, input)),
      (id) => ({ deletedRoleId: toGlobalId("Role", id) }),
    );
  }
}
