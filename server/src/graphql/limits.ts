import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import type { ValidationContext, ValidationRule } from "graphql";
import type { Config } from "../config";
import { oneCredentialMutationPerOperation } from "./credential-mutations";
import { operationCostRule } from "./operation-cost";
import { OperationLimitCode, OperationLimitError } from "./operation-limit-error";

/**
 * Most lexical tokens a document may hold (graphql-js `parse` stops there). It bounds the work of
 * parsing and validating, and the nesting that could otherwise exhaust the call stack.
 */
export const MAX_TOKENS = 5_000;

/** Most aliased fields an operation may hold: aliases are the one way to run one field many times at one level. */
export const MAX_ALIASES = 50;

/** Most fields the cost walk visits: a few fragments spread within each other can expand exponentially. */
const MAX_FIELDS_VISITED = 10_000;

/** Options for graphql-js `parse`, on HTTP and WebSocket alike. */
export const parseOptions = { maxTokens: MAX_TOKENS };

/**
 * Validation rules that refuse operations too deep or too costly before any resolver runs, on HTTP
 * and WebSocket alike. The cost is the worst case (see operation-cost.ts); both refusals name the limit.
 */
export function operationLimits(config: Pick<Config, "graphqlMaxDepth" | "graphqlMaxCost">): ValidationRule[] {
  // The depth rule runs first; an operation it refuses is not costed too (its cost is usually absurd).
  const tooDeepContexts = new WeakSet<ValidationContext>();
  const tooDeep = () =>
    new OperationLimitError(
      OperationLimitCode.QUERY_TOO_DEEP,
      `The operation is nested too deeply: the maximum is ${config.graphqlMaxDepth} levels.`,
    );
  return [
    // Not a size limit, but a refusal that must also come before anything runs, on every transport.
    // First, so that its reason leads when a hundred aliased sign-ups are over the alias limit too.
    oneCredentialMutationPerOperation,
    maxDepthRule({
      n: config.graphqlMaxDepth,
      ignoreIntrospection: true,
      // Depth counts fields: a fragment spread is no level of the response, and frontends compose fragments freely.
      flattenFragments: true,
      exposeLimits: false,
      // The rule's own error reads "Syntax Error: …" and would be thrown (a 500): report ours instead.
      propagateOnRejection: false,
      onReject: [
        (context: ValidationContext | null) => {
          if (!context) return;
          tooDeepContexts.add(context);
          context.reportError(tooDeep());
        },
      ],
    }) as unknown as ValidationRule,
    operationCostRule({
      maxCost: config.graphqlMaxCost,
      maxAliases: MAX_ALIASES,
      maxFieldsVisited: MAX_FIELDS_VISITED,
      alreadyRefused: (context) => tooDeepContexts.has(context),
    }),
  ];
}
