import { registerEnumType } from "type-graphql";

/**
 * The fixed catalogue of permissions. Roles are sets of these; custom roles pick from this list only.
 * The string values are what the database stores and what the audit log shows.
 */
export enum Permission {
  ORG_READ = "org:read",
  ORG_MANAGE = "org:manage",
  ORG_DELETE = "org:delete",
  LOCATIONS_MANAGE = "locations:manage",
  MEMBERS_MANAGE = "members:manage",
  ROLES_MANAGE = "roles:manage",
  KEYS_CREATE = "keys:create",
  KEYS_READ_ALL = "keys:read:all",
  KEYS_REVEAL = "keys:reveal",
  KEYS_MANAGE_ALL = "keys:manage:all",
  WEBHOOKS_MANAGE = "webhooks:manage",
  AUDIT_READ = "audit:read",
}

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permission);

/**
 * What each permission lets a member do, in words for people: the one description the schema's enum,
 * the permission catalogue and every client show.
 */
export const PERMISSION_DESCRIPTIONS: Readonly<Record<Permission, string>> = {
  [Permission.ORG_READ]: "See the organization, its locations, members and roles.",
  [Permission.ORG_MANAGE]: "Rename the organization and change its settings.",
  [Permission.ORG_DELETE]: "Delete the organization with everything in it.",
  [Permission.LOCATIONS_MANAGE]: "Create, rename and delete locations.",
  [Permission.MEMBERS_MANAGE]: "Add and remove members and change their roles.",
  [Permission.ROLES_MANAGE]: "Create, change and delete custom roles.",
  [Permission.KEYS_CREATE]: "Create API keys for oneself.",
  [Permission.KEYS_READ_ALL]: "See every member's API keys, masked.",
  [Permission.KEYS_REVEAL]: "Reveal the secret of any revealable key, with a logged reason.",
  [Permission.KEYS_MANAGE_ALL]: "Change, rotate, revoke and delete any member's keys.",
  [Permission.WEBHOOKS_MANAGE]: "Register and manage webhook endpoints.",
  [Permission.AUDIT_READ]: "Read the organization's audit log.",
};

/** The enum value's description: the stored value, then what it allows. */
function enumDescription(permission: Permission): string {
  const words = PERMISSION_DESCRIPTIONS[permission];
  return `\`${permission}\`: ${words.charAt(0).toLowerCase()}${words.slice(1)}`;
}

registerEnumType(Permission, {
  name: "Permission",
  description: "A capability within one organisation. Roles grant sets of these.",
  valuesConfig: Object.fromEntries(Object.entries(Permission).map(([name, value]) => [name, { description: enumDescription(value) }])),
});
