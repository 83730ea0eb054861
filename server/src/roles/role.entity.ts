import { Entity, Enum, Index, ManyToOne, Property, Unique } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { Permission } from "../auth/permission";
import { BaseEntity } from "../db/base.entity";
import { Node } from "../graphql/node";
import { Organization } from "../orgs/organization.entity";
import { BuiltInRole } from "./built-in-roles";

@ObjectType({ implements: Node, description: "A named set of permissions within one organisation." })
@Entity({ tableName: "roles" })
@Unique({ properties: ["organization", "name"] })
export class Role extends BaseEntity {
  @ManyToOne(() => Organization, { deleteRule: "cascade" })
  @Index()
  organization!: Organization;

  @Field(() => String)
  @Property({ type: "text" })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: "text", nullable: true })
  description: string | null = null;

  @Field(() => BuiltInRole, { nullable: true, description: "Set for the four built-in roles, which cannot be changed." })
  @Enum({ items: () => BuiltInRole, nativeEnumName: undefined, nullable: true })
  builtIn: BuiltInRole | null = null;

  @Field(() => [Permission], { description: "What members with this role may do." })
  @Property({ type: "text[]" })
  permissions: Permission[] = [];
}
