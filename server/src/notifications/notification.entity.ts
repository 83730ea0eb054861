import { Entity, Index, ManyToOne, Property, Unique } from "@mikro-orm/core";
import { GraphQLDateTimeISO, GraphQLJSONObject } from "graphql-scalars";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../db/base.entity";
import { publicEventData } from "../events/public-payload";
import { Node } from "../graphql/node";
import { User } from "../users/user.entity";

/** An in-app notification for one user, created in the same transaction as the event it reports. */
@ObjectType({ implements: Node, description: "Something a user should know about, such as a key about to expire." })
@Entity({ tableName: "notifications" })
@Unique({ properties: ["user", "eventId"] })
@Index({ properties: ["user", "id"] })
export class Notification extends BaseEntity {
  @ManyToOne(() => User, { deleteRule: "cascade" })
  user!: User;

  /** The domain event behind it; one notification per user and event. */
  @Property({ type: "uuid" })
  eventId!: string;

  @Field(() => String, { description: "The event type, e.g. `key.expiring`." })
  @Property({ type: "text" })
  type!: string;

  @Field(() => String, { description: "A sentence for people." })
  @Property({ type: "text" })
  message!: string;

  /** The event's payload as stored, with database IDs. */
  @Property({ type: "jsonb" })
  data: Record<string, unknown> = {};

  @Field(() => GraphQLJSONObject, {
    name: "data",
    description: "The event's data: the key's public facts and, for warnings, the days left.",
  })
  get publicData(): Record<string, unknown> {
    return publicEventData(this.data);
  }

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  readAt: Date | null = null;
}
