import { Entity, Index, ManyToOne, Property, Unique } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../db/base.entity";
import { Node } from "../graphql/node";
import { Organization } from "./organization.entity";

@ObjectType({
  implements: Node,
  description: "A location (sub-account) of an organisation. Keys of the organisation reach it; its own keys reach only it.",
})
@Entity({ tableName: "locations" })
@Unique({ properties: ["organization", "name"] })
@Unique({ properties: ["organization", "externalId"] })
export class Location extends BaseEntity {
  @ManyToOne(() => Organization, { deleteRule: "cascade" })
  @Index()
  organization!: Organization;

  @Field(() => String)
  @Property({ type: "text" })
  name!: string;

  @Field(() => String, { nullable: true, description: "Postal address, free text." })
  @Property({ type: "text", nullable: true })
  address: string | null = null;

  @Field(() => String, { nullable: true, description: "The host product's own ID for this location, unique within its organisation." })
  @Property({ type: "text", nullable: true })
  externalId: string | null = null;
}
