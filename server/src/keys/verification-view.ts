import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { Permission } from "../auth/permission";
import { toGlobalId } from "../graphql/global-id";
import { KeyKind } from "./key-enums";
import { type Verification, VerifyCode } from "./key-verifier";

/** What a verifier learns about a presented key. Details appear only for a key that exists. */
@ObjectType({ description: "The outcome of verifying a key, for services that use Latchkey as their key store." })
export class KeyVerification {
  @Field(() => Boolean)
  valid!: boolean;

  @Field(() => VerifyCode)
  code!: VerifyCode;

  @Field(() => ID, { nullable: true })
  keyId!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => KeyKind, { nullable: true })
  kind!: KeyKind | null;

  @Field(() => ID, { nullable: true, description: "The user the key acts for." })
  ownerId!: string | null;

  @Field(() => ID, { nullable: true })
  organizationId!: string | null;

  @Field(() => ID, { nullable: true })
  locationId!: string | null;

  @Field(() => [Permission], { nullable: true })
  scopes!: Permission[] | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  expiresAt!: Date | null;
}

/**
 * The public view of a verification. A refused key tells only why when the caller presented the
 * real secret (they hold it anyway); nothing tells whether a key exists elsewhere.
 */
export function verificationView(verification: Verification): KeyVerification {
  const key = verification.valid ? verification.key : verification.code === VerifyCode.NOT_FOUND ? undefined : verification.key;
  return {
    valid: verification.valid,
    code: verification.code,
    keyId: key ? toGlobalId("ApiKey", key.id) : null,
    name: key?.name ?? null,
    kind: key?.kind ?? null,
    ownerId: key ? toGlobalId("User", key.mappedUserId) : null,
    organizationId: key ? toGlobalId("Organization", key.organizationId) : null,
    locationId: key?.locationId ? toGlobalId("Location", key.locationId) : null,
    scopes: key?.scopes ?? null,
    expiresAt: key?.expiresAt ?? null,
  };
}
