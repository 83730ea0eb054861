import { Entity, Enum, Index, PrimaryKey, Property } from "@mikro-orm/core";
import { GraphQLDateTimeISO, GraphQLJSONObject } from "graphql-scalars";
import { Field, ObjectType } from "type-graphql";
import { v7 as uuidv7 } from "uuid";
import { Node } from "../graphql/node";
import { AuditAction } from "./audit-action";

/**
 * One line of the append-only audit log. It holds plain IDs rather than foreign keys, so that
 * deleting a user or an organisation never touches (or is blocked by) the history. A database
 * trigger refuses UPDATE, DELETE and TRUNCATE on this table.
 */
@ObjectType({ implements: Node, description: "A record of who did what, to which object, when and from where." })
@Entity({ tableName: "audit_entries" })
@Index({ properties: ["organizationId", "id"] })
@Index({ properties: ["targetId"] })
@Index({ properties: ["actorUserId"] })
export class AuditEntry extends Node {
  @PrimaryKey({ type: "uuid" })
  id: string = uuidv7();

  @Field(() => GraphQLDateTimeISO)
  @Property({ type: "timestamptz", defaultRaw: "now()" })
  occurredAt: Date = new Date();

  @Field(() => AuditAction)
  @Enum({ items: () => AuditAction })
  action!: AuditAction;

  @Property({ type: "uuid", nullable: true })
  organizationId: string | null = null;

  @Property({ type: "uuid", nullable: true })
  actorUserId: string | null = null;

  /** Set when the actor authenticated with an API key acting for its mapped user. */
  @Property({ type: "uuid", nullable: true })
  actorKeyId: string | null = null;

  /** Set when the actor was the host's backend with a platform key (then there is no user). */
  @Property({ type: "uuid", nullable: true })
  actorPlatformKeyId: string | null = null;

  @Field(() => String, { description: "GraphQL type name of the object acted on." })
  @Property({ type: "text" })
  targetType!: string;

  @Property({ type: "uuid" })
  targetId!: string;

  @Field(() => String, { nullable: true, description: "Why, where the action asked for a reason." })
  @Property({ type: "text", nullable: true })
  reason: string | null = null;

  @Field(() => String, { nullable: true, description: "Client address the request came from." })
  @Property({ type: "text", nullable: true })
  ipAddress: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: "text", nullable: true })
  userAgent: string | null = null;

  @Field(() => String, { nullable: true, description: "ID of the request, as in the server logs." })
  @Property({ type: "text", nullable: true })
  requestId: string | null = null;

  @Field(() => GraphQLJSONObject, { description: "Details of the change, such as changed fields. Never secrets." })
  @Property({ type: "jsonb", default: "{}" })
  metadata: Record<string, unknown> = {};
}
