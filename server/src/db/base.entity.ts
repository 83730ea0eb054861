import { PrimaryKey, Property } from "@mikro-orm/core";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ObjectType } from "type-graphql";
import { v7 as uuidv7 } from "uuid";
import { Node } from "../graphql/node";

/**
 * Every table's primary key is a UUIDv7: random enough to be unguessable, yet ordered by creation
 * time, so keyset pagination on `id` alone lists objects oldest first with one index.
 */
// An object type so that every entity type inherits `createdAt`; no resolver returns it, so it stays out of the schema.
@ObjectType()
export abstract class BaseEntity extends Node {
  @PrimaryKey({ type: "uuid" })
  id: string = uuidv7();

  @Field(() => GraphQLDateTimeISO, { description: "When the object was created." })
  @Property({ type: "timestamptz", defaultRaw: "now()" })
  createdAt: Date = new Date();
}
