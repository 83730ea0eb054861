import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/core";
import { v7 as uuidv7 } from "uuid";
import { User } from "../users/user.entity";

/**
 * A signed-in session. Only the SHA-256 of the bearer token is stored: the token is 256 random bits,
 * so a fast hash is enough and a database leak reveals no usable token.
 */
@Entity({ tableName: "sessions" })
export class Session {
  @PrimaryKey({ type: "uuid" })
  id: string = uuidv7();

  @ManyToOne(() => User, { deleteRule: "cascade" })
  @Index()
  user!: User;

  @Property({ type: "text" })
  @Unique()
  tokenHash!: string;

  @Property({ type: "timestamptz", defaultRaw: "now()" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz" })
  expiresAt!: Date;

  @Property({ type: "timestamptz", nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: "text", nullable: true })
  ipAddress: string | null = null;

  @Property({ type: "text", nullable: true })
  userAgent: string | null = null;
}
