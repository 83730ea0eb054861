import { Entity, Enum, Index, ManyToOne, OptionalProps, Property, Unique } from "@mikro-orm/core";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../db/base.entity";
import { DomainEvent } from "../events/domain-event.entity";
import { Node } from "../graphql/node";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookMessageStatus } from "./webhook-enums";

/**
 * One event on its way to one endpoint. Its ID is the `webhook-id` every attempt carries, so a
 * receiver can drop duplicates: delivery is at least once.
 */
@ObjectType({ implements: Node, description: "One event's delivery to one endpoint, with its attempts." })
@Entity({ tableName: "webhook_messages" })
@Unique({ properties: ["endpoint", "event"] })
@Index({ properties: ["endpoint", "id"] })
// The rescue sweep looks for messages overdue among the few that are not yet settled.
@Index({
  name: "webhook_messages_due_index",
  expression: `create index "webhook_messages_due_index" on "webhook_messages" ("next_attempt_at") where "status" in ('PENDING', 'DELIVERING')`,
})
export class WebhookMessage extends BaseEntity {
  [OptionalProps]?: "createdAt" | "status" | "attemptCount";

  @ManyToOne(() => WebhookEndpoint, { deleteRule: "cascade" })
  endpoint!: WebhookEndpoint;

  @ManyToOne(() => DomainEvent, { deleteRule: "cascade" })
  event!: DomainEvent;

  @Field(() => WebhookMessageStatus)
  @Enum({ items: () => WebhookMessageStatus, default: WebhookMessageStatus.PENDING })
  status: WebhookMessageStatus = WebhookMessageStatus.PENDING;

  @Field(() => Int, { description: "Attempts made in the current round (a redelivery starts a new round)." })
  @Property({ type: "int", default: 0 })
  attemptCount = 0;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  nextAttemptAt: Date | null = null;

  /** While DELIVERING: after this time the attempt is presumed lost with its process and is made again. */
  @Property({ type: "timestamptz", nullable: true })
  leaseUntil: Date | null = null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  deliveredAt: Date | null = null;
}
