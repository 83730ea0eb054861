import { Ctx, Extensions, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { listMaximum } from "../graphql/operation-cost";
import { Membership } from "../members/membership.entity";
import { User } from "./user.entity";
import { MAX_MEMBERSHIPS_LISTED, visibleMembershipsOf } from "./users.service";

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { description: "The signed-in user." })
  async viewer(@Ctx() ctx: RequestContext): Promise<User> {
    const actor = ctx.authz.requireActor();
    const user = await ctx.loaders.users.byId.load(actor.userId);
    if (!user) throw new Error("The session's user no longer exists.");
    return user;
  }

  @FieldResolver(() => [Membership], {
    description: `The user's memberships, limited to organisations the viewer can see, oldest first. A user belongs to few organisations, so this is a plain list of at most ${MAX_MEMBERSHIPS_LISTED}.`,
  })
  @Extensions(listMaximum(MAX_MEMBERSHIPS_LISTED))
  memberships(@Root() user: User, @Ctx() ctx: RequestContext): Promise<Membership[]> {
    return visibleMembershipsOf(ctx, user.id);
  }
}
