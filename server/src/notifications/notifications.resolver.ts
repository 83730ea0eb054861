import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Int, Mutation, Resolver, Root } from "type-graphql";
import { Connection, ConnectionArgs, pageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { User } from "../users/user.entity";
import { Notification } from "./notification.entity";
import { MarkNotificationsReadInput, markNotificationsReadSchema } from "./notifications.inputs";
import { listNotifications, markNotificationsRead } from "./notifications.service";

@ArgsType()
class NotificationArgs extends ConnectionArgs {
  @Field(() => Boolean, { nullable: true, description: "Only unread notifications." })
  unreadOnly?: boolean | null;
}

const NotificationConnection = Connection("Notification", () => Notification, "Notifications, newest first.");
const MarkReadPayload = MutationPayload(
  "MarkNotificationsReadPayload",
  "markedCount",
  () => Int,
  "How many notifications were marked read.",
);

@Resolver(() => User)
export class NotificationsResolver {
  @FieldResolver(() => NotificationConnection, {
    nullable: true,
    description: "Your notifications (only on `viewer`; null for other users).",
  })
  notifications(@Root() user: User, @Args(() => NotificationArgs) args: NotificationArgs, @Ctx() ctx: RequestContext) {
    if (user.id !== ctx.actor?.userId) return null;
    return listNotifications(ctx, args.unreadOnly ?? false, pageRequest(args));
  }

  @Mutation(() => MarkReadPayload, { description: "Marks your notifications read." })
  markNotificationsRead(@Arg("input", () => MarkNotificationsReadInput) input: MarkNotificationsReadInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => markNotificationsRead(ctx, parseInput(markNotificationsReadSchema, input)),
      (markedCount) => ({ markedCount }),
    );
  }
}
