import { Arg, Ctx, Extensions, Field, FieldResolver, ID, Mutation, ObjectType, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { ChangesCredentials } from "../graphql/credential-mutations";
import { UserError } from "../graphql/errors";
import { toGlobalId } from "../graphql/global-id";
import { listMaximum } from "../graphql/operation-cost";
import { MAX_USER_ERRORS, MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { Location } from "../orgs/location.entity";
import { Organization } from "../orgs/organization.entity";
import { readableOrganization } from "../orgs/orgs.service";
import { User } from "../users/user.entity";
import { ApiKey } from "./api-key.entity";
import { KeyState } from "./key-enums";
import { approveKey, deleteKey, revealKeySecret, revokeKey, rotateKey, setKeyEnabled } from "./key-lifecycle.service";
import {
  CreateKeyInput,
  KeyIdInput,
  keyIdSchema,
  RevealKeySecretInput,
  RevokeKeyInput,
  RotateKeyInput,
  revealKeySecretSchema,
  revokeKeySchema,
  rotateKeySchema,
  UpdateKeyInput,
} from "./keys.inputs";
import { createKey, updateKey } from "./keys.service";

@ObjectType({ description: "A key with its secret, shown only in this response. Store it now." })
class KeyWithSecretPayload {
  @Field(() => ApiKey, { nullable: true })
  key!: ApiKey | null;

  @Field(() => String, { nullable: true, description: "The full secret. Shown here once (and, where allowed, by `revealKeySecret`)." })
  secret!: string | null;

  @Field(() => [UserError])
  @Extensions(listMaximum(MAX_USER_ERRORS))
  userErrors!: UserError[];
}

const KeyPayload = MutationPayload("KeyPayload", "key", () => ApiKey, "The key changed.");
const DeleteKeyPayload = MutationPayload("DeleteKeyPayload", "deletedKeyId", () => ID, "The ID of the deleted key.");

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @FieldResolver(() => KeyState, { description: "ACTIVE keys past their expiry read as EXPIRED." })
  state(@Root() key: ApiKey): KeyState {
    return key.effectiveState();
  }

  @FieldResolver(() => Organization, { nullable: true })
  organization(@Root() key: ApiKey, @Ctx() ctx: RequestContext) {
    return readableOrganization(ctx, key.organization.id);
  }

  @FieldResolver(() => Location, { nullable: true, description: "Set for a location key." })
  location(@Root() key: ApiKey, @Ctx() ctx: RequestContext) {
    return key.location ? ctx.loaders.orgs.locationById.load(key.location.id) : null;
  }

  @FieldResolver(() => User, { description: "The user the key acts for." })
  mappedUser(@Root() key: ApiKey, @Ctx() ctx: RequestContext) {
    return ctx.loaders.users.byId.load(key.mappedUser.id);
  }

  @FieldResolver(() => User, { nullable: true })
  createdBy(@Root() key: ApiKey, @Ctx() ctx: RequestContext) {
    return key.createdBy ? ctx.loaders.users.byId.load(key.createdBy.id) : null;
  }

  @ChangesCredentials()
  @Mutation(() => KeyWithSecretPayload, {
    description: "Creates a key. Needs `keys:create`, the current API agreement accepted and, for non-admins, API access for non-admins.",
  })
  createKey(@Arg("input", () => CreateKeyInput) input: CreateKeyInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => createKey(ctx, input),
      (issued) => issued,
    );
  }

  @Mutation(() => KeyPayload, { description: "Changes a key's name, expiry, mapped user, scopes, contact or address allowlist." })
  updateKey(@Arg("input", () => UpdateKeyInput) input: UpdateKeyInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => updateKey(ctx, input),
      (key) => ({ key }),
    );
  }

  @ChangesCredentials()
  @Mutation(() => KeyWithSecretPayload, { description: "Shows a key's secret again, with a reason that goes into the audit log." })
  revealKeySecret(@Arg("input", () => RevealKeySecretInput) input: RevealKeySecretInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => revealKeySecret(ctx, parseInput(revealKeySecretSchema, input), ctx.services.keyCrypto),
      (revealed) => revealed,
    );
  }

  @ChangesCredentials()
  @Mutation(() => KeyWithSecretPayload, {
    description: "Replaces a key's secret, keeping everything else; the old one works for the grace period.",
  })
  rotateKey(@Arg("input", () => RotateKeyInput) input: RotateKeyInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => rotateKey(ctx, parseInput(rotateKeySchema, input), ctx.services.keyCrypto),
      (issued) => issued,
    );
  }

  @Mutation(() => KeyPayload, { description: "Revokes a key for good, with a reason." })
  revokeKey(@Arg("input", () => RevokeKeyInput) input: RevokeKeyInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => revokeKey(ctx, parseInput(revokeKeySchema, input)),
      (key) => ({ key }),
    );
  }

  @Mutation(() => KeyPayload, { description: "Switches a key off without deleting it." })
  disableKey(@Arg("input", () => KeyIdInput) input: KeyIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => setKeyEnabled(ctx, parseInput(keyIdSchema, input), false),
      (key) => ({ key }),
    );
  }

  @Mutation(() => KeyPayload, { description: "Switches a disabled key back on." })
  enableKey(@Arg("input", () => KeyIdInput) input: KeyIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => setKeyEnabled(ctx, parseInput(keyIdSchema, input), true),
      (key) => ({ key }),
    );
  }

  @Mutation(() => KeyPayload, { description: "Approves a key that waits for approval. Needs `keys:manage:all`." })
  approveKey(@Arg("input", () => KeyIdInput) input: KeyIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => approveKey(ctx, parseInput(keyIdSchema, input)),
      (key) => ({ key }),
    );
  }

  @Mutation(() => DeleteKeyPayload, { description: "Deletes a key. Its audit history stays." })
  deleteKey(@Arg("input", () => KeyIdInput) input: KeyIdInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => deleteKey(ctx, parseInput(keyIdSchema, input)),
      (id) => ({ deletedKeyId: toGlobalId("ApiKey", id) }),
    );
  }
}
