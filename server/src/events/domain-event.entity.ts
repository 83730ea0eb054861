import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/core";
import { v7 as uuidv7 } from "uuid";

/**
 * The outbox: every domain event is a row written in the same transaction as the change it
 * describes, so an event exists exactly when its change does. A trigger NOTIFYs listeners
 * (`latchkey_events`) on insert; webhooks, subscriptions and caches consume from here.
 * The UUIDv7 id orders events and serves as the catch-up cursor.
 */
@Entity({ tableName: "domain_events" })
@Index({ properties: ["organizationId", "id"] })
export class DomainEvent {
  @PrimaryKey({ type: "uuid" })
  id: string = uuidv7();

  @Property({ type: "text" })
  type!: string;

  @Property({ type: "uuid", nullable: true })
  organizationId: string | null = null;

  @Property({ type: "uuid", nullable: true })
  subjectId: string | null = null;

  @Property({ type: "jsonb" })
  payload: Record<string, unknown> = {};

  @Property({ type: "timestamptz", defaultRaw: "now()" })
  occurredAt: Date = new Date();
}
