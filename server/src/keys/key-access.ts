import { Permission } from "../auth/permission";
import type { ServiceContext } from "../core/service-context";
import { UserErrorCode, userError } from "../graphql/errors";
import type { ApiKey } from "./api-key.entity";

/**
 * Whether the actor is the key's mapped user or its creator, signed in as themselves: owners manage
 * their own keys. A request authenticated by a key is never an owner, or a read-only key could
 * widen itself or reveal its user's other keys; it needs the `keys:*:all` scopes instead.
 */
export function ownsKey(ctx: ServiceContext, key: ApiKey): boolean {
  if (ctx.actor?.key) return false;
  const userId = ctx.actor?.userId;
  return !!userId && (key.mappedUser.id === userId || key.createdBy?.id === userId);
}

function scopeOf(key: ApiKey) {
  return { organizationId: key.organization.id, locationId: key.location?.id ?? null };
}

/** Members see their own keys; `keys:read:all` sees everyone's. Others get null, as if it did not exist. */
export async function readableKey(ctx: ServiceContext, id: string): Promise<ApiKey | null> {
  const key = await ctx.loaders.keys.byId.load(id);
  if (!key) return null;
  const { organizationId, locationId } = scopeOf(key);
  const permissions = await ctx.authz.permissionsIn(organizationId, locationId);
  if (!permissions.has(Permission.ORG_READ)) return null;
  return permissions.has(Permission.KEYS_READ_ALL) || ownsKey(ctx, key) ? key : null;
}

/**
 * A key the actor may change: their own, or any with `keys:manage:all`. A key the actor cannot even
 * see is "not found"; one they can see but not manage is "forbidden".
 */
export async function manageableKey(ctx: ServiceContext, id: string): Promise<ApiKey> {
  ctx.authz.requireActor();
  const key = await readableKey(ctx, id);
  if (!key) throw userError(UserErrorCode.NOT_FOUND, "Key not found.", ["id"]);
  const { organizationId, locationId } = scopeOf(key);
  if (!ownsKey(ctx, key) && !(await ctx.authz.can(organizationId, Permission.KEYS_MANAGE_ALL, locationId))) {
    throw userError(UserErrorCode.FORBIDDEN, "Only the key's owner or a member with `keys:manage:all` may change it.");
  }
  return key;
}
