import { Entity, ManyToOne, Property, Unique } from "@mikro-orm/core";
import { BaseEntity } from "../db/base.entity";
import { User } from "./user.entity";

/**
 * A user's account at a trusted identity provider: the token's `iss` and `sub`. A federated user is
 * found by this pair, never by email; the host's backend provisions users by the same pair (the
 * subject is the host's external user ID), so a provisioned user and their first sign-in meet here.
 */
@Entity({ tableName: "user_identities" })
@Unique({ properties: ["issuer", "subject"] })
export class UserIdentity extends BaseEntity {
  @ManyToOne(() => User, { deleteRule: "cascade", index: true })
  user!: User;

  @Property({ type: "text" })
  issuer!: string;

  @Property({ type: "text" })
  subject!: string;
}
