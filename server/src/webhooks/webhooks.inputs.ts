import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, InputType } from "type-graphql";
import { z } from "zod";
import { globalIdOf } from "../graphql/validate";
import { ValidatedBy } from "../graphql/validated-input";
import { isEventTypePattern, WEBHOOK_EVENT_TYPES } from "./webhook-event-types";

const urlSchema = z.string().trim().min(1, "must not be empty").max(2000, "must be at most 2000 characters");
const descriptionSchema = z.string().trim().max(500, "must be at most 500 characters");
const eventTypesSchema = z
  .array(z.string().trim())
  .min(1, "must name at least one event type (or `*`)")
  .max(50, "must name at most 50 event types")
  .refine((types) => types.every(isEventTypePattern), {
    message: `must be \`*\`, \`<entity>.*\` or known event types: ${WEBHOOK_EVENT_TYPES.join(", ")}`,
  })
  .transform((types) => [...new Set(types)]);

export const createWebhookEndpointSchema = z.object({
  organizationId: globalIdOf("Organization"),
  locationId: globalIdOf("Location").nullish(),
  url: urlSchema,
  description: descriptionSchema.nullish(),
  eventTypes: eventTypesSchema,
});
export type CreateWebhookEndpoint = z.output<typeof createWebhookEndpointSchema>;

@ValidatedBy(createWebhookEndpointSchema)
@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => ID, { nullable: true, description: "Only events about this location (and none about the organisation as a whole)." })
  locationId?: string | null;

  @Field(() => String, { description: "An http(s) URL on a public address." })
  url!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { description: "Event types: `key.created`, `key.*` (every key event) or `*` (everything)." })
  eventTypes!: string[];
}

export const updateWebhookEndpointSchema = z.object({
  id: globalIdOf("WebhookEndpoint"),
  url: urlSchema.nullish(),
  description: descriptionSchema.nullish(),
  eventTypes: eventTypesSchema.nullish(),
});
export type UpdateWebhookEndpoint = z.output<typeof updateWebhookEndpointSchema>;

@ValidatedBy(updateWebhookEndpointSchema)
@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  eventTypes?: string[] | null;
}

export const webhookEndpointIdSchema = z.object({ id: globalIdOf("WebhookEndpoint") });
export type WebhookEndpointId = z.output<typeof webhookEndpointIdSchema>;

@ValidatedBy(webhookEndpointIdSchema)
@InputType({ description: "Names one webhook endpoint." })
export class WebhookEndpointIdInput {
  @Field(() => ID)
  id!: string;
}

export const redeliverWebhookMessageSchema = z.object({ id: globalIdOf("WebhookMessage") });
export type RedeliverWebhookMessage = z.output<typeof redeliverWebhookMessageSchema>;

@ValidatedBy(redeliverWebhookMessageSchema)
@InputType()
export class RedeliverWebhookMessageInput {
  @Field(() => ID, { description: "The message to send again." })
  id!: string;
}

export const recoverWebhookMessagesSchema = z.object({
  id: globalIdOf("WebhookEndpoint"),
  since: z.date().refine((since) => since <= new Date(), "must not be in the future"),
});
export type RecoverWebhookMessages = z.output<typeof recoverWebhookMessagesSchema>;

@ValidatedBy(recoverWebhookMessagesSchema)
@InputType()
export class RecoverWebhookMessagesInput {
  @Field(() => ID, { description: "The endpoint." })
  id!: string;

  @Field(() => GraphQLDateTimeISO, { description: "Send again what failed or was cancelled since this time." })
  since!: Date;
}
