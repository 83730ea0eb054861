import { Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { Membership } from "../members/membership.entity";
import { User } from "./user.entity";
import { visibleMembershipsOf } from "./users.service";

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
    description:
      "The user's memberships, limited to organisations the viewer can see. A user belongs to few organisations, so this is a plain list.",
  })
  memberships(@Root() user: User, @Ctx() ctx: RequestContext): Promise<Membership[]> {
    return visibleMembershipsOf(ctx, user.id);
  }
}
