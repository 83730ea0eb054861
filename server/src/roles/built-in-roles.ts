import { registerEnumType } from "type-graphql";
import { ALL_PERMISSIONS, Permission } from "../auth/permission";

/** The roles every organisation starts with. They can be assigned but not edited or deleted. */
export enum BuiltInRole {
  OWNER = "OWNER",
  ADMIN = "ADMIN",
  DEVELOPER = "DEVELOPER",
  VIEWER = "VIEWER",
}

registerEnumType(BuiltInRole, {
  name: "BuiltInRole",
  description: "Which built-in role a role is, if any.",
});

export const BUILT_IN_ROLES: ReadonlyArray<{
  kind: BuiltInRole;
  name: string;
  description: string;
  permissions: readonly Permission[];
}> = [
  {
    kind: BuiltInRole.OWNER,
    name: "Owner",
    description: "Everything, including deleting the organisation and appointing other owners.",
    permissions: ALL_PERMISSIONS,
  },
  {
    kind: BuiltInRole.ADMIN,
    name: "Admin",
    description: "Runs the organisation day to day: members, roles, locations, every key and webhook.",
    permissions: ALL_PERMISSIONS.filter((permission) => permission !== Permission.ORG_DELETE),
  },
  {
    kind: BuiltInRole.DEVELOPER,
    name: "Developer",
    description: "Creates and uses their own API keys and webhooks.",
    permissions: [Permission.ORG_READ, Permission.KEYS_CREATE, Permission.WEBHOOKS_MANAGE],
  },
  {
    kind: BuiltInRole.VIEWER,
    name: "Viewer",
    description: "Sees the organisation, its locations and members; changes nothing.",
    permissions: [Permission.ORG_READ],
  },
];
