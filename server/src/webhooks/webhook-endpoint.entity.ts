import { ArrayType, Entity, Enum, Index, ManyToOne, OptionalProps, Property } from "@mikro-orm/core";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../db/base.entity";
import { Node } from "../graphql/node";
import { Location } from "../orgs/location.entity";
import { Organization } from "../orgs/organization.entity";
import { User } from "../users/user.entity";
import { WebhookEndpointStatus } from "./webhook-enums";

/**
 * Where an organisation wants to hear about events: a URL, the event types it listens to and its own
 * signing secret, sealed under the master key because every delivery must sign with it.
 */
@ObjectType({ implements: Node, description: "A URL that receives signed events of one organisation (or one of its locations)." })
@Entity({ tableName: "webhook_endpoints" })
@Index({ properties: ["organization", "id"] })
export class WebhookEndpoint extends BaseEntity {
  [OptionalProps]?: "createdAt" | "status";

  @ManyToOne(() => Organization, { deleteRule: "cascade" })
  organization!: Organization;

  /** Narrows the endpoint to events about one location. */
  @ManyToOne(() => Location, { deleteRule: "cascade", nullable: true })
  location: Location | null = null;

  /** Who registered it; they are told when it is disabled. */
  @ManyToOne(() => User, { deleteRule: "set null", nullable: true })
  createdBy: User | null = null;

  @Field(() => String)
  @Property({ type: "text" })
  url!: string;

  @Field(() => String)
  @Property({ type: "text", default: "" })
  description = "";

  @Field(() => [String], { description: "Event types listened to: `key.created`, `key.*` or `*`." })
  @Property({ type: ArrayType })
  eventTypes!: string[];

  @Field(() => WebhookEndpointStatus)
  @Enum({ items: () => WebhookEndpointStatus, default: WebhookEndpointStatus.ENABLED })
  status: WebhookEndpointStatus = WebhookEndpointStatus.ENABLED;

  @Field(() => String, { nullable: true, description: "Why Latchkey disabled the endpoint." })
  @Property({ type: "text", nullable: true })
  disabledReason: string | null = null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Start of the current run of failed attempts, if any." })
  @Property({ type: "timestamptz", nullable: true })
  failingSince: Date | null = null;

  @Property({ type: "text", lazy: true })
  sealedSecret!: string;

  /** The secret before the last rotation, still signing alongside the new one until `previousSecretExpiresAt`. */
  @Property({ type: "text", nullable: true, lazy: true })
  previousSealedSecret: string | null = null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Until when the secret before the last rotation also signs." })
  @Property({ type: "timestamptz", nullable: true })
  previousSecretExpiresAt: Date | null = null;
}
