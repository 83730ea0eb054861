import { Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { mayManageEndpoint } from "./webhook-access";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookEndpointStatus } from "./webhook-enums";
import { WEBHOOK_EVENT_TYPES } from "./webhook-event-types";

@ObjectType({
  description:
    "What the signed-in user (or API key) may do with this endpoint now, from the same rules the mutations apply: their own with `webhooks:manage`, everyone's with `org:manage` too. A client offers only these.",
})
export class WebhookEndpointViewerCan {
  @Field(() => Boolean, { description: "`updateWebhookEndpoint` would change the URL, description or event types." })
  update!: boolean;

  @Field(() => Boolean, { description: "`pauseWebhookEndpoint` would pause it (it is enabled)." })
  pause!: boolean;

  @Field(() => Boolean, {
    description: "`resumeWebhookEndpoint` would resume it (it is paused or disabled), provided its URL is still an allowed target.",
  })
  resume!: boolean;

  @Field(() => Boolean, { description: "`rotateWebhookSecret` would issue a new signing secret." })
  rotateSecret!: boolean;

  @Field(() => Boolean, { description: "`sendTestWebhook` would queue a test event (it is enabled)." })
  sendTest!: boolean;

  @Field(() => Boolean, {
    description: "`redeliverWebhookMessage` and `recoverWebhookMessages` would send messages again (it is enabled).",
  })
  redeliver!: boolean;

  @Field(() => Boolean, { description: "`deleteWebhookEndpoint` would delete it with its delivery log." })
  delete!: boolean;
}

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointViewerCanResolver {
  @FieldResolver(() => WebhookEndpointViewerCan, {
    description: "What you may do with this endpoint now; the mutations apply the same rules.",
  })
  async viewerCan(@Root() endpoint: WebhookEndpoint, @Ctx() ctx: RequestContext): Promise<WebhookEndpointViewerCan> {
    const manage = !!ctx.actor && (await mayManageEndpoint(ctx, endpoint));
    // The same state rules as the services: pause needs ENABLED, resume anything else, and sending needs ENABLED.
    const enabled = endpoint.status === WebhookEndpointStatus.ENABLED;
    return {
      update: manage,
      pause: manage && enabled,
      resume: manage && !enabled,
      rotateSecret: manage,
      sendTest: manage && enabled,
      redeliver: manage && enabled,
      delete: manage,
    };
  }
}

@Resolver()
export class WebhookEventTypesResolver {
  @Query(() => [String], {
    description:
      "The event types a webhook endpoint may listen to. `eventTypes` also accepts `<entity>.*` (for example `key.*`) and `*` (everything).",
  })
  webhookEventTypes(): readonly string[] {
    return WEBHOOK_EVENT_TYPES;
  }
}
