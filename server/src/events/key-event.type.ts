import { GraphQLDateTimeISO, GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { EventType } from "./events";

/** Every type of key event, as subscriptions and catch-up accept them. */
export const KEY_EVENT_TYPES: readonly string[] = Object.values(EventType).filter((type) => type.startsWith("key."));

/**
 * Subscription fields whose payload is the same for everyone who receives it: the event's public
 * data, which `KeyEvent` shows whole. Who receives an event is decided per subscriber before (the
 * key-visibility rule); what they receive is then executed once per event and selection and shared.
 * A field that shows anything per viewer must not be listed here.
 */
export const VIEWER_INDEPENDENT_SUBSCRIPTIONS: ReadonlySet<string> = new Set(["keyEvents", "keyExpiring"]);

/** A key event as subscribers and catch-up readers see it. */
@ObjectType({ description: "Something that happened to an API key." })
export class KeyEvent {
  @Field(() => String, { description: "Position in the event stream: pass it as `after` to catch up from here." })
  cursor!: string;

  @Field(() => String, { description: `One of ${KEY_EVENT_TYPES.map((type) => `\`${type}\``).join(", ")}.` })
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
