import { GraphQLDateTimeISO, GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";

/** A key event as subscribers and catch-up readers see it. */
@ObjectType({ description: "Something that happened to an API key." })
export class KeyEvent {
  @Field(() => String, { description: "Position in the event stream: pass it as `after` to catch up from here." })
  cursor!: string;

  @Field(() => String, {
    description: "`key.created`, `key.updated`, `key.revealed`, `key.rotated`, `key.revoked`, `key.deleted` or `key.leaked`.",
  })
  type!: string;

  @Field(() => ID, { description: "The key concerned (it may since have been deleted)." })
  keyId!: string;

  @Field(() => GraphQLDateTimeISO)
  occurredAt!: Date;

  @Field(() => GraphQLJSONObject, {
    description: "The key's public facts at the time: name, kind, state, organisation, location, mapped user, expiry.",
  })
  data!: Record<string, unknown>;
}
