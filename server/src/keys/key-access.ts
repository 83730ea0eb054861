import { Permission } from "../auth/permission";
import type { ServiceContext } from "../core/service-context";
import { UserErrorCode, userError } from "../graphql/errors";
import type { ApiKey } from "./api-key.entity";
import { factsOfKey, isKeyOwner, ownerOf, seesKey, viewerReach } from "./key-visibility";

/**
 * Whether the actor is the key's mapped user or its creator, signed in as themselves: owners manage
 * their own keys. A request authenticated by a key is never an owner, or a read-only key could
 * widen itself or reveal its user's other keys; it needs the `keys:*:all` scopes instead.
 */
export function ownsKey(ctx: Pick<ServiceContext, "actor">, key: ApiKey): boolean {
  return isKeyOwner(ownerOf(ctx.actor), factsOfKey(key));
}

/** Whether the actor may read the key: the one rule of keys/key-visibility.ts. */
function scopeOf(key: ApiKey) {
  return { organizationId: key.organization.id, locationId: key.location?.id ?? null };
}

export async function mayReadKey(ctx: ServiceContext, key: ApiKey): Promise<boolean> {
  return seesKey(await viewerReach(ctx, key.organization.id), factsOfKey(key));
}

/** Changing a key (rotate, revoke, disable, enable, update, delete): its owner, or `keys:manage:all`. Assumes `mayReadKey`. */
export async function mayManageKey(ctx: ServiceContext, key: ApiKey): Promise<boolean> {
  const { organizationId, locationId } = scopeOf(key);
  return ownsKey(ctx, key) || ctx.authz.can(organizationId, Permission.KEYS_MANAGE_ALL, locationId);
}

/** Revealing a key's secret: its owner, or `keys:reveal`. Assumes `mayReadKey`; the policy and state are checked apart. */
export async function mayRevealKey(ctx: ServiceContext, key: ApiKey): Promise<boolean> {
  const { organizationId, locationId } = scopeOf(key);
  return ownsKey(ctx, key) || ctx.authz.can(organizationId, Permission.KEYS_REVEAL, locationId);
}

/** Approving a pending key: `keys:manage:all` only, never the key's own creator. */
export async function mayApproveKey(ctx: ServiceContext, key: ApiKey): Promise<boolean> {
  const { organizationId, locationId } = scopeOf(key);
  return ctx.authz.can(organizationId, Permission.KEYS_MANAGE_ALL, locationId);
}

/** A key the actor may read; others get null, as if it did not exist. */
export async function readableKey(ctx: ServiceContext, id: string): Promise<ApiKey | null> {
  const key = await ctx.loaders.keys.byId.load(id);
  if (!key) return null;
  return (await mayReadKey(ctx, key)) ? key : null;
}

/**
 * A key the actor may change: their own, or any with `keys:manage:all`. A key the actor cannot even
 * see is "not found"; one they can see but not manage is "forbidden".
 */
export async function manageableKey(ctx: ServiceContext, id: string): Promise<ApiKey> {
  ctx.authz.requireActor();
  const key = await readableKey(ctx, id);
  if (!key) throw userError(UserErrorCode.NOT_FOUND, "Key not found.", ["id"]);
  if (!(await mayManageKey(ctx, key))) {
    throw userError(UserErrorCode.FORBIDDEN, "Only the key's owner or a member with `keys:manage:all` may change it.");
  }
  return key;
}
