import { Entity, Property, Unique } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../db/base.entity";
import { Node } from "../graphql/node";

@ObjectType({ implements: Node, description: "A person who signs in to Latchkey." })
@Entity({ tableName: "users" })
export class User extends BaseEntity {
  /** Stored lower-cased, so the unique index also rejects case variants. */
  @Field(() => String, { description: "Email address used to sign in." })
  @Property({ type: "text" })
  @Unique()
  email!: string;

  @Field(() => String, { description: "Display name." })
  @Property({ type: "text" })
  name!: string;

  /** argon2id PHC string; never exposed. Null for a user who signs in only through an identity provider. */
  @Property({ type: "text", nullable: true, hidden: true, lazy: true })
  passwordHash: string | null = null;
}
