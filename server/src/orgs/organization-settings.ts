import { ArrayType, Embeddable, Enum, Property } from "@mikro-orm/core";
import { Field, Int, ObjectType, registerEnumType } from "type-graphql";

/** Whether a key's secret can be shown again after the moment it is created or rotated. */
export enum RevealPolicy {
  REVEALABLE = "REVEALABLE",
  SHOW_ONCE = "SHOW_ONCE",
}

registerEnumType(RevealPolicy, {
  name: "RevealPolicy",
  description: "Whether key secrets can be revealed again after creation.",
  valuesConfig: {
    REVEALABLE: { description: "Secrets are kept encrypted and can be revealed, with a logged reason." },
    SHOW_ONCE: { description: "Secrets are shown once, when created or rotated, and never again." },
  },
});

export const DEFAULT_EXPIRY_WARNING_DAYS = [15, 7, 1];

@ObjectType({ description: "Policies an organisation sets for its members and keys." })
@Embeddable()
export class OrganizationSettings {
  @Field(() => Boolean, { description: "Whether members without admin rights may create API keys." })
  @Property({ type: "boolean", default: false })
  apiAccessForNonAdmins = false;

  @Field(() => Int, { description: "Version of the API agreement members must accept before creating keys." })
  @Property({ type: "integer", default: 1 })
  agreementVersion = 1;

  @Field(() => String, {
    nullable: true,
    description: "The API agreement's terms, plain text, shown to members before they accept; null when none is published here.",
  })
  @Property({ type: "text", nullable: true })
  agreementText: string | null = null;

  @Field(() => RevealPolicy)
  @Enum({ items: () => RevealPolicy, default: RevealPolicy.REVEALABLE })
  revealPolicy: RevealPolicy = RevealPolicy.REVEALABLE;

  @Field(() => Int, { description: "Days without use after which a key is disabled, then deleted." })
  @Property({ type: "integer", default: 90 })
  inactivityDays = 90;

  @Field(() => Int, {
    nullable: true,
    description: "Longest lifetime a new or extended key may have, in days; null allows keys that never expire.",
  })
  @Property({ type: "integer", nullable: true, default: 366 })
  maxKeyLifetimeDays: number | null = 366;

  @Field(() => Boolean, { description: "Whether keys created by members without `keys:manage:all` wait for an admin's approval." })
  @Property({ type: "boolean", default: false })
  requireKeyApproval = false;

  @Field(() => [Int], { description: "Days before expiry or inactivity clean-up at which warnings are sent." })
  @Property({ type: ArrayType, columnType: "integer[]", defaultRaw: "'{15,7,1}'" })
  expiryWarningDays: number[] = [...DEFAULT_EXPIRY_WARNING_DAYS];
}
