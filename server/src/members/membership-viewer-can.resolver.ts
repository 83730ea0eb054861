import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from "type-graphql";
import { Permission } from "../auth/permission";
import type { RequestContext } from "../graphql/context";
import { isLeavingThemselves, memberPermissionsBeyondActor } from "./members.service";
import { Membership } from "./membership.entity";

@ObjectType({
  description:
    "What the signed-in user (or API key) may do with this membership, from the same rules the mutations apply. Keeping an Owner is not counted: the last Owner's refusal comes from the mutation.",
})
export class MembershipViewerCan {
  @Field(() => Boolean, { description: "`changeMemberRole` would not be refused for lack of rights." })
  changeRole!: boolean;

  @Field(() => Boolean, { description: "`removeMember` would not be refused for lack of rights: a manager removing, or you leaving." })
  remove!: boolean;
}

@Resolver(() => Membership)
export class MembershipViewerCanResolver {
  @FieldResolver(() => MembershipViewerCan, { description: "What you may do with this membership; the mutations apply the same rules." })
  async viewerCan(@Root() membership: Membership, @Ctx() ctx: RequestContext): Promise<MembershipViewerCan> {
    const actor = ctx.actor;
    if (!actor || actor.platform) return { changeRole: false, remove: false };
    const manage =
      (await ctx.authz.can(membership.organization.id, Permission.MEMBERS_MANAGE)) &&
      (await memberPermissionsBeyondActor(ctx, membership)).length === 0;
    return { changeRole: manage, remove: manage || isLeavingThemselves(actor, membership) };
  }
}
