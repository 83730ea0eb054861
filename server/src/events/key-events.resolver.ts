import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Resolver, Root, Subscription } from "type-graphql";
import type { PushStream } from "../core/push-stream";
import { Connection, ConnectionArgs, pageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { badUserInput, UserErrorsException } from "../graphql/errors";
import { idOfType } from "../graphql/global-id";
import { Organization } from "../orgs/organization.entity";
import type { DomainEvent } from "./domain-event.entity";
import { EventType } from "./events";
import { filterEvents } from "./filter-events";
import { KeyEvent } from "./key-event.type";
import { keyEventFilter, keyEventsAfter, toKeyEvent } from "./key-events.service";

@ArgsType()
class KeyEventsArgs extends ConnectionArgs {
  @Field(() => [String], { nullable: true, description: "Only these event types (default: every key event)." })
  types?: string[] | null;
}

const KeyEventConnection = Connection("KeyEvent", () => KeyEvent, "Key events, oldest first.");

/** Subscription inputs are checked like mutation inputs, but a subscription can only fail with an error. */
async function orFail<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UserErrorsException) throw badUserInput(error.message);
    throw error;
  }
}

/**
 * The organisation's key events of these types that the subscriber may see, as they happen. The
 * subscription's checks finish before the first event is let through; a failed one ends the stream
 * with its error.
 */
function visibleEvents(ctx: RequestContext, organizationId: string, types: string[] | null | undefined): PushStream<DomainEvent> {
  const visible = orFail(() =>
    keyEventFilter(ctx, organizationId, types, {
      credentialChecks: ctx.services.credentialChecks,
      everyMs: ctx.config.subscriptionRecheckMs,
    }),
  );
  return filterEvents(ctx.services.eventBus.listen(), visible);
}

@Resolver()
export class KeyEventsResolver {
  @Subscription(() => KeyEvent, {
    description:
      "Key events of an organisation as they happen, from every server instance. Each carries a cursor; after a disconnection, read `organization.keyEvents(after:)` to catch up.",
    subscribe: ({ args, context }) => {
      const organizationId = idOfType(String(args.organizationId), "Organization");
      if (!organizationId) throw badUserInput("`organizationId` is not the ID of an Organization.");
      return visibleEvents(context as RequestContext, organizationId, args.types as string[] | null);
    },
  })
  keyEvents(
    @Root() event: DomainEvent,
    @Arg("organizationId", () => ID) _organizationId: string,
    @Arg("types", () => [String], { nullable: true }) _types: string[] | null,
  ): KeyEvent {
    return toKeyEvent(event);
  }
}

@Resolver()
export class KeyExpiringResolver {
  @Subscription(() => KeyEvent, {
    description:
      "Warnings that keys you may see will expire or be disabled for inactivity within `withinDays` days (`key.expiring`; `data` has `clock`, `daysLeft` and `deadline`).",
    subscribe: ({ args, context }) => {
      const organizationId = idOfType(String(args.organizationId), "Organization");
      if (!organizationId) throw badUserInput("`organizationId` is not the ID of an Organization.");
      const withinDays = Number(args.withinDays ?? 365);
      const events = visibleEvents(context as RequestContext, organizationId, [EventType.KEY_EXPIRING]);
      return filterEvents(events, (event) => Number(event.payload.daysLeft) <= withinDays);
    },
  })
  keyExpiring(
    @Root() event: DomainEvent,
    @Arg("organizationId", () => ID) _organizationId: string,
    @Arg("withinDays", () => Int, { nullable: true, description: "Only warnings with at most this many days left (default: all)." })
    _withinDays: number | null,
  ): KeyEvent {
    return toKeyEvent(event);
  }
}

@Resolver(() => Organization)
export class OrganizationKeyEventsResolver {
  @FieldResolver(() => KeyEventConnection, {
    nullable: true,
    description: "Key events you may see, oldest first; page with `after` to catch up.",
  })
  async keyEvents(@Root() organization: Organization, @Args(() => KeyEventsArgs) args: KeyEventsArgs, @Ctx() ctx: RequestContext) {
    const page = await orFail(() => keyEventsAfter(ctx, organization.id, args.types, pageRequest(args)));
    if (!page) return null;
    const events = page.nodes.map(toKeyEvent);
    return {
      nodes: events,
      edges: events.map((node) => ({ cursor: node.cursor, node })),
      pageInfo: page.pageInfo,
      totalCount: page.totalCount,
    };
  }
}
