import { Entity, OptionalProps, Property, Unique } from "@mikro-orm/core";
import { BaseEntity } from "../db/base.entity";

/**
 * A credential of the host product's backend (`lk_pf_…`), made and revoked with the CLI. It provisions
 * organisations, locations, users and memberships and nothing else. Stored as the peppered digest of
 * its secret, like every key; the secret itself is shown once, when it is made.
 */
@Entity({ tableName: "platform_keys" })
export class PlatformKey extends BaseEntity {
  [OptionalProps]?: "createdAt" | "revokedAt";

  @Property({ type: "text" })
  name!: string;

  /** HMAC-SHA256 of the secret under the key pepper (see KeyCrypto). */
  @Property({ type: "text", hidden: true })
  @Unique()
  digest!: string;

  /** The secret's prefix and last four characters, to tell keys apart. */
  @Property({ type: "text" })
  maskedSecret!: string;

  @Property({ type: "timestamptz", nullable: true })
  revokedAt: Date | null = null;
}
