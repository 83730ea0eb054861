import DataLoader from "dataloader";
import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { ApiKey } from "./api-key.entity";
import { mayApproveKey, mayManageKey, mayReadKey, mayRevealKey } from "./key-access";
import { KeyState } from "./key-enums";
import { isRevealable } from "./key-issuance";
import { requireNotRevoked, requirePending, requireState, requireUsable } from "./key-lifecycle.service";
import { KeySecret } from "./key-secret.entity";

@ObjectType({
  description:
    "What the signed-in user (or API key) may do with this key now, from the same rules the mutations apply. A client offers only these.",
})
export class KeyViewerCan {
  @Field(() => Boolean, { description: "`revealKeySecret` would show the secret." })
  reveal!: boolean;

  @Field(() => Boolean, { description: "The secret can be copied: the same as `reveal`, since copying reveals it." })
  copy!: boolean;

  @Field(() => Boolean, { description: "`rotateKey` would issue a new secret." })
  rotate!: boolean;

  @Field(() => Boolean, { description: "`revokeKey` would withdraw the key." })
  revoke!: boolean;

  @Field(() => Boolean, { description: "`disableKey` would switch the key off." })
  disable!: boolean;

  @Field(() => Boolean, { description: "`enableKey` would switch the key back on." })
  enable!: boolean;

  @Field(() => Boolean, { description: "`approveKey` would approve the pending key." })
  approve!: boolean;

  @Field(() => Boolean, { description: "`updateKey` would change the key's name, expiry, scopes or contact." })
  update!: boolean;
}

/** Whether a state check the mutations run (they throw) lets the key through. */
function passes(check: (key: ApiKey) => void, key: ApiKey): boolean {
  try {
    check(key);
    return true;
  } catch {
    return false;
  }
}

const sealedLoaders = new WeakMap<RequestContext, DataLoader<string, boolean>>();

/** Whether each key's current secret is kept sealed (revealable), batched per request: one statement per list. */
function currentSecretSealed(ctx: RequestContext, keyId: string): Promise<boolean> {
  let loader = sealedLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const rows = await ctx.em.find(
        KeySecret,
        { key: { $in: [...ids] }, expiresAt: null, sealed: { $ne: null } },
        { fields: ["key"], disableIdentityMap: true },
      );
      const sealed = new Set(rows.map((row) => row.key.id));
      return ids.map((id) => sealed.has(id));
    });
    sealedLoaders.set(ctx, loader);
  }
  return loader.load(keyId);
}

const NOTHING: KeyViewerCan = {
  reveal: false,
  copy: false,
  rotate: false,
  revoke: false,
  disable: false,
  enable: false,
  approve: false,
  update: false,
};

@Resolver(() => ApiKey)
export class KeyViewerCanResolver {
  @FieldResolver(() => KeyViewerCan, { description: "What you may do with this key now; the mutations apply the same rules." })
  async viewerCan(@Root() key: ApiKey, @Ctx() ctx: RequestContext): Promise<KeyViewerCan> {
    if (!ctx.actor || !(await mayReadKey(ctx, key))) return NOTHING;
    const [manage, revealer, approver] = await Promise.all([mayManageKey(ctx, key), mayRevealKey(ctx, key), mayApproveKey(ctx, key)]);
    const usable = passes(requireUsable, key);
    let reveal = revealer && usable;
    if (reveal) {
      const organization = await ctx.loaders.orgs.byId.load(key.organization.id);
      reveal = !!organization && isRevealable(key.kind, organization) && (await currentSecretSealed(ctx, key.id));
    }
    return {
      reveal,
      copy: reveal,
      rotate: manage && usable,
      revoke: manage && passes(requireNotRevoked, key),
      disable: manage && passes(requireState(KeyState.ACTIVE, "disabled"), key),
      enable: manage && passes(requireState(KeyState.DISABLED, "enabled"), key),
      approve: approver && passes(requirePending, key),
      update: manage,
    };
  }
}
