import { Arg, Args, ArgsType, Ctx, Extensions, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from "type-graphql";
import { Connection, ConnectionArgs, pageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { ChangesCredentials } from "../graphql/credential-mutations";
import { UserError } from "../graphql/errors";
import { listMaximum } from "../graphql/operation-cost";
import { MAX_USER_ERRORS, MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { Location } from "../orgs/location.entity";
import { Organization } from "../orgs/organization.entity";
import { readableOrganization } from "../orgs/orgs.service";
import { User } from "../users/user.entity";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookMessageStatus } from "./webhook-enums";
import { WebhookMessage } from "./webhook-message.entity";
import { recoverWebhookMessages } from "./webhook-recovery.service";
import {
  CreateWebhookEndpointInput,
  createWebhookEndpointSchema,
  RecoverWebhookMessagesInput,
  recoverWebhookMessagesSchema,
  UpdateWebhookEndpointInput,
  updateWebhookEndpointSchema,
  WebhookEndpointIdInput,
  webhookEndpointIdSchema,
} from "./webhooks.inputs";
import { listMessages } from "./webhooks.queries";
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
  @Extensions(listMaximum(MAX_USER_ERRORS))
  userErrors!: UserError[];
}

@ObjectType({ description: "Messages queued again." })
class RecoverWebhookMessagesPayload {
  @Field(() => WebhookEndpoint, { nullable: true })
  endpoint!: WebhookEndpoint | null;

  @Field(() => Int, { nullable: true, description: "How many messages were queued again." })
  count!: number | null;

  @Field(() => [UserError])
  @Extensions(listMaximum(MAX_USER_ERRORS))
  userErrors!: UserError[];
}

const WebhookEndpointPayload = MutationPayload("WebhookEndpointPayload", "endpoint", () => WebhookEndpoint, "The endpoint changed.");
const DeleteWebhookEndpointPayload = MutationPayload(
  "DeleteWebhookEndpointPayload",
  "deletedEndpointId",
  () => ID,
  "The ID of the deleted endpoint.",
);
const WebhookMessageConnection = Connection("WebhookMessage", () => WebhookMessage, "A page of webhook messages, newest first.");

@ArgsType()
class MessageListArgs extends ConnectionArgs {
  @Field(() => [WebhookMessageStatus], { nullable: true })
  statuses?: WebhookMessageStatus[] | null;
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

  @ChangesCredentials()
  @Mutation(() => WebhookEndpointWithSecretPayload, { description: "Registers an endpoint. Needs `webhooks:manage`." })
  createWebhookEndpoint(@Arg("input", () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => createWebhookEndpoint(ctx, parseInput(createWebhookEndpointSchema, input), ctx.services.keyCrypto, ctx.services.webhookTargets),
      (created) => created,
    );
  }

  @Mutation(() => WebhookEndpointPayload, { description: "Changes an endpoint's URL, description or event types." })
  updateWebhookEndpoint(@Arg("input", () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => updateWebhookEndpoint(ctx, parseInput(updateWebhookEndpointSchema, input), ctx.services.webhookTargets),
      (endpoint) => ({ endpoint }),
    );
  }

  @Mutation(() => WebhookEndpointPayload, { description: "Pauses an endpoint: events are kept and sent when it is resumed." })
  pauseWebhookEndpoint(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => pauseWebhookEndpoint(ctx, parseInput(webhookEndpointIdSchema, input)),
      (endpoint) => ({ endpoint }),
    );
  }

  @Mutation(() => WebhookEndpointPayload, { description: "Resumes a paused or disabled endpoint; kept messages go out now." })
  resumeWebhookEndpoint(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => resumeWebhookEndpoint(ctx, parseInput(webhookEndpointIdSchema, input), ctx.services.webhookTargets),
      (endpoint) => ({ endpoint }),
    );
  }

  @ChangesCredentials()
  @Mutation(() => WebhookEndpointWithSecretPayload, { description: "A new signing secret; the old one also signs for 24 hours." })
  rotateWebhookSecret(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => rotateWebhookSecret(ctx, parseInput(webhookEndpointIdSchema, input), ctx.services.keyCrypto),
      (rotated) => rotated,
    );
  }

  @Mutation(() => DeleteWebhookEndpointPayload, { description: "Deletes an endpoint with its delivery log." })
  deleteWebhookEndpoint(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => deleteWebhookEndpoint(ctx, parseInput(webhookEndpointIdSchema, input)),
      (deletedEndpointId) => ({ deletedEndpointId }),
    );
  }

  @Mutation(() => WebhookEndpointPayload, { description: "Sends a `webhook.test` event to this endpoint only." })
  sendTestWebhook(@Arg("input", () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => sendTestWebhook(ctx, parseInput(webhookEndpointIdSchema, input)),
      (endpoint) => ({ endpoint }),
    );
  }

  @Mutation(() => RecoverWebhookMessagesPayload, { description: "Sends again every message that failed or was cancelled since a time." })
  recoverWebhookMessages(@Arg("input", () => RecoverWebhookMessagesInput) input: RecoverWebhookMessagesInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => recoverWebhookMessages(ctx, parseInput(recoverWebhookMessagesSchema, input)),
      (recovered) => recovered,
    );
  }
}
