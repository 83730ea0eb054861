import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, InputType } from "type-graphql";

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

@InputType({ description: "Names one webhook endpoint." })
export class WebhookEndpointIdInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class RedeliverWebhookMessageInput {
  @Field(() => ID, { description: "The message to send again." })
  id!: string;
}

@InputType()
export class RecoverWebhookMessagesInput {
  @Field(() => ID, { description: "The endpoint." })
  id!: string;

  @Field(() => GraphQLDateTimeISO, { description: "Send again what failed or was cancelled since this time." })
  since!: Date;
}
