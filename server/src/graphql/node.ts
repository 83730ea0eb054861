import { Field, ID, InterfaceType } from "type-graphql";
import { toGlobalId } from "./global-id";

/** The Relay Node interface: every object with an identity can be refetched by `node(id:)`. */
@InterfaceType("Node", {
  description: "An object with a globally unique ID, refetchable through `node(id:)`.",
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  abstract id: string;

  /** A method rather than a getter, so that the ORM does not mistake it for a column. */
  @Field(() => ID, { name: "id", description: "Globally unique, opaque identifier." })
  globalId(): string {
    return toGlobalId(this.constructor.name, this.id);
  }
}
