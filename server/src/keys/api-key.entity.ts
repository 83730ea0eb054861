import { ArrayType, Entity, Enum, Index, ManyToOne, OptionalProps, Property, Unique } from "@mikro-orm/core";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ObjectType } from "type-graphql";
import { Permission } from "../auth/permission";
import { BaseEntity } from "../db/base.entity";
import { Node } from "../graphql/node";
import { Location } from "../orgs/location.entity";
import { Organization } from "../orgs/organization.entity";
import { User } from "../users/user.entity";
import { KeyKind, KeyState } from "./key-enums";

@ObjectType({ implements: Node, description: "An API key an integration uses, scoped to an organisation or one of its locations." })
@Entity({ tableName: "api_keys" })
@Index({ properties: ["organization", "id"] })
@Index({ properties: ["expiresAt"] })
// The inactivity sweep looks for keys of one organisation and state unused since a given time.
@Index({
  name: "api_keys_inactivity_index",
  expression: `create index "api_keys_inactivity_index" on "api_keys" ("organization_id", "state", (coalesce("last_used_at", "created_at")))`,
})
export class ApiKey extends BaseEntity {
  [OptionalProps]?: "createdAt" | "updatedAt" | "state";

  @ManyToOne(() => Organization, { deleteRule: "cascade" })
  organization!: Organization;

  /** Set for a location key, which reaches only that location; unset keys reach the whole organisation. */
  @ManyToOne(() => Location, { deleteRule: "cascade", nullable: true })
  @Index()
  location: Location | null = null;

  @Field(() => String, { description: "What the key is for, e.g. the application that uses it." })
  @Property({ type: "text" })
  name!: string;

  @Field(() => KeyKind)
  @Enum({ items: () => KeyKind })
  kind!: KeyKind;

  @Enum({ items: () => KeyState, default: KeyState.ACTIVE })
  state: KeyState = KeyState.ACTIVE;

  @Field(() => Boolean, { description: "Personal keys are for the mapped user's own use and need no contact details." })
  @Property({ type: "boolean", default: false })
  personal = false;

  /** Access key ID, Basic username or OAuth client ID; null for SECRET keys. */
  @Field(() => String, { nullable: true, description: "The public half: access key ID, Basic username or OAuth client ID." })
  @Property({ type: "text", nullable: true })
  @Unique()
  publicId: string | null = null;

  @Field(() => String, { description: "The secret's prefix and last four characters; the secret itself is never listed." })
  @Property({ type: "text" })
  maskedSecret!: string;

  @ManyToOne(() => User, { deleteRule: "set null", nullable: true })
  createdBy: User | null = null;

  /** The key acts for this user, with at most their permissions. */
  @ManyToOne(() => User, { deleteRule: "cascade" })
  @Index()
  mappedUser!: User;

  @Field(() => [Permission], { description: "What the key may do, within its mapped user's permissions." })
  @Property({ type: ArrayType, columnType: "text[]" })
  scopes: Permission[] = [];

  @Field(() => String, { nullable: true })
  @Property({ type: "text", nullable: true })
  contactName: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: "text", nullable: true })
  contactEmail: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: "text", nullable: true })
  contactPhone: string | null = null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  expiresAt: Date | null = null;

  @Field(() => GraphQLDateTimeISO, {
    nullable: true,
    description: "When the key last authenticated (updated in batches, so up to a few seconds late).",
  })
  @Property({ type: "timestamptz", nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => [String], { description: "Client addresses (CIDR) the key may be used from; empty allows any." })
  @Property({ type: ArrayType, columnType: "text[]", default: "{}" })
  allowedCidrs: string[] = [];

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  revokedAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: "text", nullable: true })
  revokedReason: string | null = null;

  @Field(() => GraphQLDateTimeISO)
  @Property({ type: "timestamptz", defaultRaw: "now()", onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** The state a reader sees: an ACTIVE key past its expiry is EXPIRED even before a sweep marks it. */
  effectiveState(now = new Date()): KeyState {
    if (this.state === KeyState.ACTIVE && this.expiresAt && this.expiresAt <= now) return KeyState.EXPIRED;
    return this.state;
  }
}
