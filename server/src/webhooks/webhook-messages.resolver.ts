import { Arg, Ctx, Extensions, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { loadOrFail } from "../graphql/by-id-loader";
import type { RequestContext } from "../graphql/context";
import { listMaximum } from "../graphql/operation-cost";
import { MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { WebhookAttempt } from "./webhook-attempt.entity";
import { webhookBody, webhookId } from "./webhook-delivery";
import { WebhookMessage } from "./webhook-message.entity";
import { redeliverWebhookMessage } from "./webhook-recovery.service";
import { RedeliverWebhookMessageInput, redeliverWebhookMessageSchema } from "./webhooks.inputs";
import { MAX_ATTEMPTS_LISTED } from "./webhooks.loaders";

const WebhookMessagePayload = MutationPayload("WebhookMessagePayload", "message", () => WebhookMessage, "The message queued again.");

@Resolver(() => WebhookMessage)
export class WebhookMessageResolver {
  @FieldResolver(() => String, { description: "The `webhook-id` header: the same on every attempt, for deduplication." })
  webhookId(@Root() message: WebhookMessage) {
    return webhookId(message.id);
  }

  @FieldResolver(() => String, { description: "The event type, e.g. `key.created`." })
  async eventType(@Root() message: WebhookMessage, @Ctx() ctx: RequestContext) {
    return (await loadOrFail(ctx.loaders.webhooks.eventById, message.event.id)).type;
  }

  @FieldResolver(() => String, { description: "The JSON body sent." })
  async body(@Root() message: WebhookMessage, @Ctx() ctx: RequestContext) {
    const event = await loadOrFail(ctx.loaders.webhooks.eventById, message.event.id);
    return webhookBody({ type: event.type, occurred_at: event.occurredAt, payload: event.payload });
  }

  @FieldResolver(() => [WebhookAttempt], { description: `The latest attempts, oldest first: at most ${MAX_ATTEMPTS_LISTED}.` })
  @Extensions(listMaximum(MAX_ATTEMPTS_LISTED))
  attempts(@Root() message: WebhookMessage, @Ctx() ctx: RequestContext) {
    return ctx.loaders.webhooks.attemptsOfMessage.load(message.id);
  }

  @Mutation(() => WebhookMessagePayload, { description: "Sends one message again, with a fresh retry schedule." })
  redeliverWebhookMessage(
    @Arg("input", () => RedeliverWebhookMessageInput) input: RedeliverWebhookMessageInput,
    @Ctx() ctx: RequestContext,
  ) {
    return toPayload(
      () => redeliverWebhookMessage(ctx, parseInput(redeliverWebhookMessageSchema, input)),
      (message) => ({ message }),
    );
  }
}
