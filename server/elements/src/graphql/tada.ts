import { initGraphQLTada } from "gql.tada";
import type { introspection } from "./graphql-env.d.ts";

/**
 * `graphql()` typed from `schema/schema.graphql`. `graphql-env.d.ts` is generated from the schema by
 * `gql.tada generate output` (run by `typecheck`), so a schema change that breaks an element's
 * operation breaks the elements' type check, as it does the extension's.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTimeISO: string; JSONObject: Record<string, unknown> };
  // Fragments only share field lists here; nothing is hidden between components.
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, VariablesOf } from "gql.tada";
