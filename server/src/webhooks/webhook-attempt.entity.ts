import { Entity, Enum, Index, ManyToOne, Property } from "@mikro-orm/core";
import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../db/base.entity";
import { WebhookAttemptTrigger } from "./webhook-enums";
import { WebhookMessage } from "./webhook-message.entity";

@ObjectType({ description: "One HTTP request of a delivery and what came back." })
@Entity({ tableName: "webhook_attempts" })
@Index({ properties: ["message", "id"] })
export class WebhookAttempt extends BaseEntity {
  @ManyToOne(() => WebhookMessage, { deleteRule: "cascade" })
  message!: WebhookMessage;

  @Field(() => WebhookAttemptTrigger)
  @Enum({ items: () => WebhookAttemptTrigger })
  trigger!: WebhookAttemptTrigger;

  @Field(() => String, { description: "The URL requested." })
  @Property({ type: "text" })
  url!: string;

  @Field(() => GraphQLJSONObject, {
    description: "The Standard Webhooks headers sent: `webhook-id`, `webhook-timestamp`, `webhook-signature`.",
  })
  @Property({ type: "jsonb" })
  requestHeaders: Record<string, string> = {};

  @Field(() => Int, { nullable: true, description: "The response's HTTP status; null when none came." })
  @Property({ type: "int", nullable: true })
  responseStatus: number | null = null;

  @Field(() => String, { nullable: true, description: "The start of the response body (at most 1 KiB)." })
  @Property({ type: "text", nullable: true })
  responseBody: string | null = null;

  @Field(() => Int)
  @Property({ type: "int" })
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: "Why the attempt failed, when it did." })
  @Property({ type: "text", nullable: true })
  error: string | null = null;
}
