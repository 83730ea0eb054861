import DataLoader from "dataloader";
import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from "type-graphql";
import { Permission } from "../auth/permission";
import type { RequestContext } from "../graphql/context";
import { Role } from "./role.entity";

@ObjectType({
  description: "What the signed-in user (or API key) may do with this role now, from the same rules the mutations apply.",
})
export class RoleViewerCan {
  @Field(() => Boolean, {
    description:
      "`updateRole` would not be refused for permissions you hold: a custom role, `roles:manage`, and, when the role holds permissions you lack, nobody holding it (you may then only narrow it).",
  })
  update!: boolean;

  @Field(() => Boolean, { description: "`deleteRole` would not be refused: as `update`, and no member holds the role." })
  delete!: boolean;
}

const holderLoaders = new WeakMap<RequestContext, DataLoader<string, number>>();

/** How many members hold each role, batched per request: one statement per list of roles. */
function holderCount(ctx: RequestContext, roleId: string): Promise<number> {
  let loader = holderLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const rows: Array<{ role: string; holders: string }> = await ctx.em
        .getKnex()
        .from("memberships")
        .select({ role: "role_id" })
        .count({ holders: "*" })
        .whereIn("role_id", [...ids])
        .groupBy("role_id");
      const counts = new Map(rows.map((row) => [String(row.role), Number(row.holders)]));
      return ids.map((id) => counts.get(id) ?? 0);
    });
    holderLoaders.set(ctx, loader);
  }
  return loader.load(roleId);
}

@Resolver(() => Role)
export class RoleViewerCanResolver {
  @FieldResolver(() => Int, { description: "How many members hold this role. A role someone holds cannot be deleted." })
  holderCount(@Root() role: Role, @Ctx() ctx: RequestContext): Promise<number> {
    return holderCount(ctx, role.id);
  }

  @FieldResolver(() => RoleViewerCan, { description: "What you may do with this role; the mutations apply the same rules." })
  async viewerCan(@Root() role: Role, @Ctx() ctx: RequestContext): Promise<RoleViewerCan> {
    const organizationId = role.organization.id;
    if (!ctx.actor || role.builtIn || !(await ctx.authz.can(organizationId, Permission.ROLES_MANAGE))) {
      return { update: false, delete: false };
    }
    const [beyond, holders] = await Promise.all([ctx.authz.permissionsBeyond(organizationId, role.permissions), holderCount(ctx, role.id)]);
    // A role above you is yours to narrow only while nobody holds it (see requireMayManageRole).
    return { update: beyond.length === 0 || holders === 0, delete: holders === 0 };
  }
}
