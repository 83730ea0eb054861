import { GraphQLDateTimeISO } from "graphql-scalars";
import { Arg, Args, ArgsType, Ctx, Extensions, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root } from "type-graphql";
import { Connection, ConnectionArgs, pageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { optionalIdArgument } from "../graphql/id-arguments";
import { listMaximum } from "../graphql/operation-cost";
import { MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { Organization } from "../orgs/organization.entity";
import { User } from "../users/user.entity";
import { acceptApiAgreement, acceptedAgreementVersion } from "./agreement.service";
import { ApiKey } from "./api-key.entity";
import { KeyKind, KeyState } from "./key-enums";
import { AcceptApiAgreementInput, acceptApiAgreementSchema } from "./keys.inputs";
import { keyHolders, listKeys, MAX_KEY_HOLDERS, MAX_KEYS_PER_HOLDER } from "./keys.queries";

@ArgsType()
class KeyListArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: "Only keys of this location." })
  locationId?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Only organisation-level keys." })
  organizationLevelOnly?: boolean | null;

  @Field(() => [KeyKind], { nullable: true })
  kinds?: KeyKind[] | null;

  @Field(() => [KeyState], { nullable: true })
  states?: KeyState[] | null;

  @Field(() => ID, { nullable: true, description: "Only keys acting for this user." })
  mappedUserId?: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Only keys that expire before this time." })
  expiringBefore?: Date | null;

  @Field(() => String, { nullable: true, description: "Only keys whose name contains this text (any case)." })
  search?: string | null;
}

@ObjectType({ description: "A member holding active keys, with those keys." })
export class KeyHolder {
  organizationId!: string;

  @Field(() => User)
  user!: User;

  @Field(() => [ApiKey], { description: `The member's active keys, oldest first: at most ${MAX_KEYS_PER_HOLDER}.` })
  @Extensions(listMaximum(MAX_KEYS_PER_HOLDER))
  keys!: ApiKey[];
}

@ObjectType({ description: "Where the signed-in user stands with the organisation's API agreement." })
class ApiAgreementStatus {
  @Field(() => Int)
  currentVersion!: number;

  @Field(() => Int, { nullable: true })
  acceptedVersion!: number | null;

  @Field(() => Boolean, { description: "Whether the current version is accepted, so keys can be created." })
  accepted!: boolean;
}

const ApiKeyConnection = Connection("ApiKey", () => ApiKey, "A page of API keys, oldest first.");
const AgreementPayload = MutationPayload(
  "AcceptApiAgreementPayload",
  "organization",
  () => Organization,
  "The organisation whose agreement was accepted.",
);

@Resolver(() => Organization)
export class OrganizationKeysResolver {
  @FieldResolver(() => ApiKeyConnection, { nullable: true, description: "Keys you may see: yours, or everyone's with `keys:read:all`." })
  keys(@Root() organization: Organization, @Args(() => KeyListArgs) args: KeyListArgs, @Ctx() ctx: RequestContext) {
    return listKeys(
      ctx,
      organization.id,
      {
        locationId: optionalIdArgument(args.locationId, "Location", "locationId"),
        organizationLevelOnly: args.organizationLevelOnly,
        kinds: args.kinds,
        states: args.states,
        mappedUserId: optionalIdArgument(args.mappedUserId, "User", "mappedUserId"),
        expiringBefore: args.expiringBefore,
        search: args.search,
      },
      pageRequest(args),
    );
  }

  @FieldResolver(() => [KeyHolder], {
    nullable: true,
    description: `Members holding active keys, with their keys, the longest-standing first: at most ${MAX_KEY_HOLDERS}. Needs \`keys:read:all\`.`,
  })
  @Extensions(listMaximum(MAX_KEY_HOLDERS))
  keyHolders(@Root() organization: Organization, @Ctx() ctx: RequestContext) {
    return keyHolders(ctx, organization.id);
  }

  @FieldResolver(() => ApiAgreementStatus, { nullable: true })
  async viewerApiAgreement(@Root() organization: Organization, @Ctx() ctx: RequestContext): Promise<ApiAgreementStatus | null> {
    if (!ctx.actor?.userId) return null;
    const acceptedVersion = await acceptedAgreementVersion(ctx, ctx.actor.userId, organization.id);
    const currentVersion = organization.settings.agreementVersion;
    return { currentVersion, acceptedVersion, accepted: acceptedVersion === currentVersion };
  }

  @Mutation(() => AgreementPayload, { description: "Accepts the organisation's current API agreement, which creating keys requires." })
  acceptApiAgreement(@Arg("input", () => AcceptApiAgreementInput) input: AcceptApiAgreementInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => acceptApiAgreement(ctx, parseInput(acceptApiAgreementSchema, input)),
      (organization) => ({ organization }),
    );
  }
}
