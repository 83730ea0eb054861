import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/core";
import { v7 as uuidv7 } from "uuid";
import { ApiKey } from "../keys/api-key.entity";

/** The two clocks that can end a key. */
export enum KeyClock {
  EXPIRY = "EXPIRY",
  INACTIVITY = "INACTIVITY",
}

/**
 * A warning already given: one row per key, clock, threshold and deadline. The unique index is what
 * makes each warning happen exactly once across instances and restarts; a new deadline (the key was
 * used, extended or rotated) is a new row, so the warnings are due again.
 */
@Entity({ tableName: "key_warnings" })
@Unique({ properties: ["key", "clock", "thresholdDays", "deadline"] })
export class KeyWarning {
  @PrimaryKey({ type: "uuid" })
  id: string = uuidv7();

  @ManyToOne(() => ApiKey, { deleteRule: "cascade" })
  key!: ApiKey;

  @Enum({ items: () => KeyClock })
  clock!: KeyClock;

  @Property({ type: "integer" })
  thresholdDays!: number;

  @Property({ type: "timestamptz" })
  deadline!: Date;

  @Property({ type: "timestamptz", defaultRaw: "now()" })
  createdAt: Date = new Date();
}
