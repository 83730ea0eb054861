import { Embedded, Entity, OptionalProps, Property, Unique } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../db/base.entity";
import { Node } from "../graphql/node";
import { OrganizationSettings } from "./organization-settings";

@ObjectType({
  implements: Node,
  description: "An organisation (an agency, a dealer): the top of a two-level tree whose second level is its locations.",
})
@Entity({ tableName: "organizations" })
export class Organization extends BaseEntity {
  [OptionalProps]?: "settings" | "createdAt" | "externalId";

  @Field(() => String)
  @Property({ type: "text" })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: "The host product's own ID for this organisation (its tenant ID), unique among organisations.",
  })
  @Property({ type: "text", nullable: true })
  @Unique()
  externalId: string | null = null;

  @Field(() => OrganizationSettings)
  @Embedded(() => OrganizationSettings, { prefix: false })
  settings: OrganizationSettings = new OrganizationSettings();
}
