import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/core";
import { v7 as uuidv7 } from "uuid";
import { ApiKey } from "./api-key.entity";

/**
 * One secret of a key. A key has one current secret; after a rotation with a grace period the old
 * one lives on until `expiresAt`. Only the peppered digest is looked up; `sealed` (AES-256-GCM) is
 * kept only where the organisation allows revealing.
 */
@Entity({ tableName: "key_secrets" })
// One current secret per key, whatever the application does; rotation supersedes before it inserts.
@Unique({
  name: "key_secrets_current_unique",
  expression: `create unique index "key_secrets_current_unique" on "key_secrets" ("key_id") where "expires_at" is null`,
})
export class KeySecret {
  @PrimaryKey({ type: "uuid" })
  id: string = uuidv7();

  @ManyToOne(() => ApiKey, { deleteRule: "cascade" })
  @Index()
  key!: ApiKey;

  @Property({ type: "text" })
  @Unique()
  digest!: string;

  @Property({ type: "text", nullable: true, lazy: true })
  sealed: string | null = null;

  @Property({ type: "timestamptz", defaultRaw: "now()" })
  createdAt: Date = new Date();

  /** Null for the current secret; set when it is superseded (now, or at the end of a grace period). */
  @Property({ type: "timestamptz", nullable: true })
  expiresAt: Date | null = null;
}
