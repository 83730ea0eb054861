import { Entity, Index, ManyToOne, Unique } from "@mikro-orm/core";
import { ObjectType } from "type-graphql";
import { BaseEntity } from "../db/base.entity";
import { Node } from "../graphql/node";
import { Organization } from "../orgs/organization.entity";
import { Role } from "../roles/role.entity";
import { User } from "../users/user.entity";

@ObjectType({ implements: Node, description: "A user's membership of an organisation, with the role that sets what they may do there." })
@Entity({ tableName: "memberships" })
@Unique({ properties: ["user", "organization"] })
export class Membership extends BaseEntity {
  /** The (user, organization) unique index also serves lookups by user. */
  @ManyToOne(() => User, { deleteRule: "cascade" })
  user!: User;

  @ManyToOne(() => Organization, { deleteRule: "cascade" })
  @Index()
  organization!: Organization;

  /** Roles in use cannot be deleted (the database restricts it); reassign members first. */
  @ManyToOne(() => Role, { deleteRule: "restrict" })
  @Index()
  role!: Role;
}
