import { GraphQLError } from "graphql";
import { GraphQLErrorCode, UserErrorCode, unauthenticated, userError } from "../graphql/errors";
import type { Loaders } from "../graphql/loaders";
import type { Membership } from "../members/membership.entity";
import type { Actor, PlatformActor, UserActor } from "./actor";
import type { Grant } from "./caller-grants";
import { Permission } from "./permission";

const NONE: ReadonlySet<Permission> = new Set();

export const PLATFORM_ONLY_PROVISIONS =
  "A platform key only provisions organizations, locations, users and memberships; it cannot do this.";

/**
 * The one place that answers "may this actor do that in this organisation?". Every resolver and
 * service asks it; nothing checks roles ad hoc. Permissions come from the actor's grants (their
 * memberships' role permissions), read at most once per request and usually not at all: what
 * authentication read, or the process's cache of callers, serves (`members.grantsOf`).
 */
export class Authorizer {
  constructor(
    readonly actor: Actor | null,
    private readonly loaders: Loaders,
  ) {}

  /**
   * For what only a person may do for themselves (found an organisation, leave one, read their own
   * notifications): an actor authenticated by an API key gets a FORBIDDEN error.
   */
  requirePerson(): UserActor {
    const actor = this.requireActor();
    if (actor.key)
      throw new GraphQLError("An API key cannot do this; sign in as a person.", { extensions: { code: GraphQLErrorCode.FORBIDDEN } });
    return actor;
  }

  /**
   * The signed-in user (or a key acting for one), or an UNAUTHENTICATED error. A platform key is
   * refused here: it only provisions (see `requirePlatform`), so every path for users refuses it.
   */
  requireActor(): UserActor {
    if (!this.actor) throw unauthenticated();
    if (this.actor.platform) throw new GraphQLError(PLATFORM_ONLY_PROVISIONS, { extensions: { code: GraphQLErrorCode.FORBIDDEN } });
    return this.actor;
  }

  /** For provisioning: the platform key's actor, or a FORBIDDEN error for anyone else. */
  requirePlatform(): PlatformActor {
    if (!this.actor) throw unauthenticated();
    if (!this.actor.platform)
      throw new GraphQLError("Only the host's backend, with a platform key, provisions.", {
        extensions: { code: GraphQLErrorCode.FORBIDDEN },
      });
    return this.actor;
  }

  /** A platform key belongs to no organisation, so it has no memberships. */
  async memberships(): Promise<Membership[]> {
    return this.actor?.userId ? this.loaders.members.ofUser.load(this.actor.userId) : [];
  }

  async membershipIn(organizationId: string): Promise<Membership | null> {
    return (await this.memberships()).find((membership) => membership.organization.id === organizationId) ?? null;
  }

  /**
   * What the actor may do in an organisation, or in one of its locations when `locationId` is given.
   * A key never reaches beyond its own organisation, a location key beyond its location, and
   * neither beyond its scopes.
   */
  async permissionsIn(organizationId: string, locationId: string | null = null): Promise<ReadonlySet<Permission>> {
    const key = this.actor?.key;
    if (key && (key.organizationId !== organizationId || (key.locationId && key.locationId !== locationId))) return NONE;
    const grant = await this.grantIn(organizationId);
    if (!grant) return NONE;
    const granted = grant.permissions;
    return new Set(key ? granted.filter((permission) => key.scopes.includes(permission)) : granted);
  }

  /** The actor's grant in an organisation; partial grants (a key's check) are completed only when asked beyond them. */
  private async grantIn(organizationId: string): Promise<Grant | null> {
    // A platform key is a member of nothing: it holds no grant anywhere.
    const userId = this.actor?.userId;
    if (!userId) return null;
    const grants = await this.loaders.members.grantsOf.load(userId);
    const grant = grants.byOrganization.get(organizationId);
    if (grant || grants.complete) return grant ?? null;
    this.loaders.members.grantsOf.clear(userId);
    return (await this.loaders.members.grantsOf.load(userId)).byOrganization.get(organizationId) ?? null;
  }

  /**
   * Which of `permissions` the actor does not hold in the organisation. This is the one rule of rank:
   * nobody grants what they do not hold, and a member may manage another member (change their role,
   * remove them, or change or delete the role they hold) only if this is empty for the other's
   * permissions. Owners hold every permission, so they manage everyone.
   */
  async permissionsBeyond(organizationId: string, permissions: readonly Permission[]): Promise<Permission[]> {
    const held = await this.permissionsIn(organizationId);
    return permissions.filter((permission) => !held.has(permission));
  }

  async can(organizationId: string, permission: Permission, locationId: string | null = null): Promise<boolean> {
    return (await this.permissionsIn(organizationId, locationId)).has(permission);
  }

  /**
   * For mutations. Someone who cannot even read the organisation is told it does not exist, so
   * that IDs from another tenant reveal nothing; a member without the permission is told so.
   */
  async require(organizationId: string, permission: Permission, what = "Organization", locationId: string | null = null): Promise<void> {
    this.requireActor();
    const granted = await this.permissionsIn(organizationId, locationId);
    if (!granted.has(Permission.ORG_READ)) throw userError(UserErrorCode.NOT_FOUND, `${what} not found.`);
    if (!granted.has(permission)) {
      throw userError(UserErrorCode.FORBIDDEN, `Your role does not grant \`${permission}\` in this organization.`);
    }
  }
}
