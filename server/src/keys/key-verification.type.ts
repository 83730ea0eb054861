import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { Permission } from "../auth/permission";
import { KeyKind } from "./key-enums";
import { VerifyCode } from "./key-verifier";

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
