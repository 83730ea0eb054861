import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, InputType, Int } from "type-graphql";
import { z } from "zod";
import { Permission } from "../auth/permission";
import { globalIdOf } from "../graphql/validate";
import { ValidatedBy } from "../graphql/validated-input";
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

const MAX_GRACE_HOURS = 7 * 24;
const reasonSchema = z.string().trim().min(1, "must not be empty: say why").max(500, "must be at most 500 characters");

export const keyIdSchema = z.object({ id: globalIdOf("ApiKey") });
export type KeyId = z.output<typeof keyIdSchema>;

@ValidatedBy(keyIdSchema)
@InputType()
export class KeyIdInput {
  @Field(() => ID)
  id!: string;
}

export const revealKeySecretSchema = z.object({ id: globalIdOf("ApiKey"), reason: reasonSchema });
export type RevealKeySecret = z.output<typeof revealKeySecretSchema>;

@ValidatedBy(revealKeySecretSchema)
@InputType()
export class RevealKeySecretInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "Why you need the secret. Kept in the audit log." })
  reason!: string;
}

export const rotateKeySchema = z.object({
  id: globalIdOf("ApiKey"),
  gracePeriodHours: z.number().int().min(0).max(MAX_GRACE_HOURS, `must be at most ${MAX_GRACE_HOURS} hours (7 days)`).nullish(),
});
export type RotateKey = z.output<typeof rotateKeySchema>;

@ValidatedBy(rotateKeySchema)
@InputType()
export class RotateKeyInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { nullable: true, description: "Hours the old secret keeps working, 0 (default) to 168." })
  gracePeriodHours?: number | null;
}

export const revokeKeySchema = z.object({ id: globalIdOf("ApiKey"), reason: reasonSchema });
export type RevokeKey = z.output<typeof revokeKeySchema>;

@ValidatedBy(revokeKeySchema)
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
