import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from "type-graphql";
import { Connection, ConnectionArgs, pageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { UserError } from "../graphql/errors";
import { optionalIdArgument } from "../graphql/global-id";
import { MutationPayload, toPayload } from "../graphql/payload";
import { KeyHolder } from "../keys/org-keys.resolver";
import { Location } from "../orgs/location.entity";
import { Organization } from "../orgs/organization.entity";
import { readableOrganization } from "../orgs/orgs.service";
import { User } from "../users/user.entity";
import { endpointVisibility } from "./webhook-access";
import { WebhookAttempt } from "./webhook-attempt.entity";
import { webhookBody, webhookId } from "./webhook-delivery";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookEndpointStatus, WebhookMessageStatus } from "./webhook-enums";
import { WebhookMessage } from "./webhook-message.entity";
import { recoverWebhookMessages, redeliverWebhookMessage } from "./webhook-recovery.service";
import {
  CreateWebhookEndpointInput,
  RecoverWebhookMessagesInput,
  RedeliverWebhookMessageInput,
  UpdateWebhookEndpointInput,
  WebhookEndpointIdInput,
} from "./webhooks.inputs";
import { listEndpoints, listMessages } from "./webhooks.queries";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  pauseWebhookEndpoint,
  resumeWebhookEndpoint,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhookEndpoint,
} from "./webhooks.service";

@ObjectType({ description: "An endpoint with its signing secret, shown only in this response. Store it now." })
class WebhookEndpointWithSecretPayload {
  @Field(() => WebhookEndpoint, { nullable: true })
  endpoint!: WebhookEndpoint | null;

  @Field(() => String, { nullable: true, description: "The signing secret (`whsec_…`) for the `standardwebhooks` verifiers." })
  signingSecret!: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType({ description: "Messages queued again." })
class RecoverWebhookMessagesPayload {
  @Field(() => WebhookEndpoint, { nullable: true })
  endpoint!: WebhookEndpoint | null;

  @Field(() => Int, { nullable: true, description: "How many messages were queued again." })
  count!: number | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

const WebhookEndpointPayload = MutationPayload("WebhookEndpointPayload", "endpoint", () => WebhookEndpoint, "The endpoint changed.");
const DeleteWebhookEndpointPayload = MutationPayload(
  "DeleteWebhookEndpointPayload",
  "deletedEndpointId",
  () => ID,
  "The ID of the deleted endpoint.",
);
const WebhookMessagePayload = MutationPayload("WebhookMessagePayload", "message", () => WebhookMessage, "The message queued again.");
const WebhookEndpointConnection = Connection("WebhookEndpoint", () => WebhookEndpoint, "A page of webhook endpoints, oldest first.");
const WebhookMessageConnection = Connection("WebhookMessage", () => WebhookMessage, "A page of webhook messages, newest first.");

@ArgsType()
class EndpointListArgs extends ConnectionArgs {
  @Field(() => [WebhookEndpointStatus], { nullable: true })
  statuses?: WebhookEndpointStatus[] | null;

  @Field(() => ID, { nullable: true, description: "Only endpoints this user registered (admins only; others see only their own)." })
  createdById?: string | null;
}

@ArgsType()
class MessageListArgs extends ConnectionArgs {
  @Field(() => [WebhookMessageStatus], { nullable: true })
  statuses?: WebhookMessageStatus[] | null;
}

@Resolver(() => Organization)
export class OrganizationWebhooksResolver {
  @FieldResolver(() => WebhookEndpointConnection, {
    nullable: true,
    description: "Webhook endpoints: your own with `webhooks:manage`, everyone's with `org:manage` too.",
  })
  webhookEndpoints(@Root() organization: Organization, @Args(() => EndpointListArgs) args: EndpointListArgs, @Ctx() ctx: RequestContext) {
    const filter = { statuses: args.statuses, createdById: optionalIdArgument(args.createdById, "User", "createdById") };
    return listEndpoints(ctx, organization.id, filter, pageRequest(args));
  }
}

@Resolver(() => KeyHolder)
export class KeyHolderWebhooksResolver {
  @FieldResolver(() => [WebhookEndpoint], {
    nullable: true,
    description: "The endpoints this member registered (Crelate's API Management); for admins with `webhooks:manage` and `org:manage`.",
  })
  async webhookEndpoints(@Root() holder: KeyHolder, @Ctx() ctx: RequestContext) {
    if ((await endpointVisibility(ctx, holder.organizationId)) !== "all") return null;
    return ctx.loaders.webhooks.endpointsOfCreator.load(`${holder.organizationId}|${holder.user.id}`);
  }
}

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @FieldResolver(() => Organization, { nullable: true })
  organization(@Root() endpoint: WebhookEndpoint, @Ctx() ctx: RequestContext) {
    return readableOrganization(ctx, endpoint.organization.id);
  }

  @FieldResolver(() => Location, { nullable: true })
  location(@Root() endpoint: WebhookEndpoint, @Ctx() ctx: RequestContext) {
    return endpoint.location ? ctx.loaders.orgs.locationById.load(endpoint.location.id) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: "Who registered the endpoint." })
  createdBy(@Root() endpoint: WebhookEndpoint, @Ctx() ctx: RequestContext) {
    return endpoint.createdBy ? ctx.loaders.users.byId.load(endpoint.createdBy.id) : null;
  }

  @FieldResolver(() => WebhookMessageConnection, { description: "Deliveries to this endpoint, newest first." })
  messages(@Root() endpoint: WebhookEndpoint, @Args(() => MessageListArgs) args: MessageListArgs, @Ctx() ctx: RequestContext) {
    return listMessages(ctx, endpoint, args.statuses, pageRequest(args));
  }

  @Mutation(() => WebhookEndpointWithSecretPayload, { description: "Registers an endpoint. Needs `webhooks:manage`." })
  createWebhookEndpoint(@Arg("input", () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => createWebhookEndpoint(ctx, input),
      (created) => created,
    );
  }

  @Mutation(() => WebhookEndpointPayload, { description: "Changes an endpoint's URL, description or event types." })
  updateWebhookEndpoint(@Arg("input", () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => updateWebhookEndpoint(ctx, input),
      (endpoint) => ({ endpoint }),
    );
  }

  @Mutation(() => WebhookEndpointPayload, { description: "Pauses an endpoint: events are kept and sent when it is resumed." })
  pauseWebhookEndpoint(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => pauseWebhookEndpoint(ctx, input),
      (endpoint) => ({ endpoint }),
    );
  }

  @Mutation(() => WebhookEndpointPayload, { description: "Resumes a paused or disabled endpoint; kept messages go out now." })
  resumeWebhookEndpoint(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => resumeWebhookEndpoint(ctx, input),
      (endpoint) => ({ endpoint }),
    );
  }

  @Mutation(() => WebhookEndpointWithSecretPayload, { description: "A new signing secret; the old one also signs for 24 hours." })
  rotateWebhookSecret(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => rotateWebhookSecret(ctx, input),
      (rotated) => rotated,
    );
  }

  @Mutation(() => DeleteWebhookEndpointPayload, { description: "Deletes an endpoint with its delivery log." })
  deleteWebhookEndpoint(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => deleteWebhookEndpoint(ctx, input),
      (deletedEndpointId) => ({ deletedEndpointId }),
    );
  }

  @Mutation(() => WebhookEndpointPayload, { description: "Sends a `webhook.test` event to this endpoint only." })
  sendTestWebhook(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => sendTestWebhook(ctx, input),
      (endpoint) => ({ endpoint }),
    );
  }

  @Mutation(() => RecoverWebhookMessagesPayload, { description: "Sends again every message that failed or was cancelled since a time." })
  recoverWebhookMessages(@Arg("input", () => RecoverWebhookMessagesInput) input: RecoverWebhookMessagesInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => recoverWebhookMessages(ctx, input),
      (recovered) => recovered,
    );
  }
}

@Resolver(() => WebhookMessage)
export class WebhookMessageResolver {
  @FieldResolver(() => String, { description: "The `webhook-id` header: the same on every attempt, for deduplication." })
  webhookId(@Root() message: WebhookMessage) {
    return webhookId(message.id);
  }

  @FieldResolver(() => String, { description: "The event type, e.g. `key.created`." })
  async eventType(@Root() message: WebhookMessage, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.webhooks.eventById.load(message.event.id))!.type;
  }

  @FieldResolver(() => String, { description: "The JSON body sent." })
  async body(@Root() message: WebhookMessage, @Ctx() ctx: RequestContext) {
    const event = (await ctx.loaders.webhooks.eventById.load(message.event.id))!;
    return webhookBody({ type: event.type, occurred_at: event.occurredAt, payload: event.payload });
  }

  @FieldResolver(() => [WebhookAttempt], { description: "Every attempt, oldest first." })
  attempts(@Root() message: WebhookMessage, @Ctx() ctx: RequestContext) {
    return ctx.loaders.webhooks.attemptsOfMessage.load(message.id);
  }

  @Mutation(() => WebhookMessagePayload, { description: "Sends one message again, with a fresh retry schedule." })
  redeliverWebhookMessage(
    @Arg("input", () => RedeliverWebhookMessageInput) input: RedeliverWebhookMessageInput,
    @Ctx() ctx: RequestContext,
  ) {
    return toPayload(
      () => redeliverWebhookMessage(ctx, input),
      (message) => ({ message }),
    );
  }
}
