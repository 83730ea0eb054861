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

const descriptions: Record<Permission, string> = {
  [Permission.ORG_READ]: "`org:read`: see the organisation, its locations, members and roles.",
  [Permission.ORG_MANAGE]: "`org:manage`: rename the organisation and change its settings.",
  [Permission.ORG_DELETE]: "`org:delete`: delete the organisation with everything in it.",
  [Permission.LOCATIONS_MANAGE]: "`locations:manage`: create, rename and delete locations.",
  [Permission.MEMBERS_MANAGE]: "`members:manage`: add and remove members and change their roles.",
  [Permission.ROLES_MANAGE]: "`roles:manage`: create, change and delete custom roles.",
  [Permission.KEYS_CREATE]: "`keys:create`: create API keys for oneself.",
  [Permission.KEYS_READ_ALL]: "`keys:read:all`: see every member's API keys, masked.",
  [Permission.KEYS_REVEAL]: "`keys:reveal`: reveal the secret of any revealable key, with a logged reason.",
  [Permission.KEYS_MANAGE_ALL]: "`keys:manage:all`: change, rotate, revoke and delete any member's keys.",
  [Permission.WEBHOOKS_MANAGE]: "`webhooks:manage`: register and manage webhook endpoints.",
  [Permission.AUDIT_READ]: "`audit:read`: read the organisation's audit log.",
};

registerEnumType(Permission, {
  name: "Permission",
  description: "A capability within one organisation. Roles grant sets of these.",
  valuesConfig: Object.fromEntries(Object.entries(Permission).map(([name, value]) => [name, { description: descriptions[value] }])),
});
