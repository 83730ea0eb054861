import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, InputType, Int } from "type-graphql";
import { Permission } from "../auth/permission";
import { KeyKind } from "./key-enums";

@InputType({ description: "Who to contact about a key. Required for organisation keys, optional for personal ones." })
export class KeyContactInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  phone!: string;
}

@InputType()
export class CreateKeyInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => ID, { nullable: true, description: "Scope the key to this location only." })
  locationId?: string | null;

  @Field(() => String, { description: "What the key is for, e.g. the application using it." })
  name!: string;

  @Field(() => KeyKind)
  kind!: KeyKind;

  @Field(() => Boolean, { nullable: true, description: "A key for your own use: mapped to you, no contact needed." })
  personal?: boolean | null;

  @Field(() => ID, { nullable: true, description: "The user the key acts for (default: you). Another user needs `keys:manage:all`." })
  mappedUserId?: string | null;

  @Field(() => [Permission], { nullable: true, description: "What the key may do; `ORG_READ` is always included." })
  scopes?: Permission[] | null;

  @Field(() => KeyContactInput, { nullable: true })
  contact?: KeyContactInput | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Default: the longest lifetime the organisation allows." })
  expiresAt?: Date | null;

  @Field(() => [String], { nullable: true, description: "Client addresses or CIDR blocks the key may be used from." })
  allowedCidrs?: string[] | null;
}

@InputType({ description: "Changes to a key; omitted fields keep their value." })
export class UpdateKeyInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID, { nullable: true })
  mappedUserId?: string | null;

  @Field(() => [Permission], { nullable: true })
  scopes?: Permission[] | null;

  @Field(() => KeyContactInput, { nullable: true })
  contact?: KeyContactInput | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  expiresAt?: Date | null;

  @Field(() => [String], { nullable: true })
  allowedCidrs?: string[] | null;
}

@InputType()
export class KeyIdInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class RevealKeySecretInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "Why you need the secret. Kept in the audit log." })
  reason!: string;
}

@InputType()
export class RotateKeyInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { nullable: true, description: "Hours the old secret keeps working, 0 (default) to 168." })
  gracePeriodHours?: number | null;
}

@InputType()
export class RevokeKeyInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "Why the key is revoked. Kept in the audit log." })
  reason!: string;
}

@InputType()
export class AcceptApiAgreementInput {
  @Field(() => ID)
  organizationId!: string;
}
