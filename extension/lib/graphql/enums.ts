import type { introspection_types } from "./graphql-env.d.ts";

type EnumValues<Name extends keyof introspection_types> = introspection_types[Name] extends { enumValues: infer Values } ? Values : never;

export type KeyKind = EnumValues<"KeyKind">;
export type KeyState = EnumValues<"KeyState">;
export type Permission = EnumValues<"Permission">;

export const KEY_KINDS: readonly KeyKind[] = ["SECRET", "KEY_PAIR", "BASIC", "OAUTH_CLIENT"];
export const KEY_STATES: readonly KeyState[] = ["ACTIVE", "PENDING", "DISABLED", "EXPIRED", "REVOKED"];
