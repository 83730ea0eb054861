import { registerEnumType } from "type-graphql";
import { PERMISSION_DESCRIPTIONS, Permission } from "./permission";

// Permission as the schema names and describes it. Registered here rather than beside the enum: the
// verify listener's thread uses it and must not load type-graphql (see verify-thread.ts). The schema
// (graphql/schema.ts) imports this before it is built.

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
