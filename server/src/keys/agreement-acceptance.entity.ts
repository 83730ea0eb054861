import { Entity, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/core";
import { v7 as uuidv7 } from "uuid";
import { Organization } from "../orgs/organization.entity";
import { User } from "../users/user.entity";

/** A user's acceptance of one version of an organisation's API agreement. */
@Entity({ tableName: "agreement_acceptances" })
@Unique({ properties: ["user", "organization", "version"] })
export class AgreementAcceptance {
  @PrimaryKey({ type: "uuid" })
  id: string = uuidv7();

  @ManyToOne(() => User, { deleteRule: "cascade" })
  user!: User;

  @ManyToOne(() => Organization, { deleteRule: "cascade" })
  organization!: Organization;

  @Property({ type: "integer" })
  version!: number;

  @Property({ type: "timestamptz", defaultRaw: "now()" })
  acceptedAt: Date = new Date();
}
