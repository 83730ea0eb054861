import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import type { GraphQLError, ValidationContext, ValidationRule } from "graphql";
import type { Config } from "../config";
import { oneCredentialMutationPerOperation } from "./credential-mutations";

/**
 * Report a refusal as an ordinary validation error (HTTP 400, GRAPHQL_VALIDATION_FAILED). The
 * rules' default is to throw, which a server can only answer with a 500.
 */
const reportAsValidationError = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/**
 * Validation rules that refuse operations too deep or too costly before any resolver runs, on HTTP
 * and WebSocket alike. The cost counts literal `first` arguments as list sizes. Limits are not
 * spelled out in errors, so probing them is not made easy.
 */
export function operationLimits(config: Pick<Config, "graphqlMaxDepth" | "graphqlMaxCost">): ValidationRule[] {
  return [
    maxDepthRule({
      n: config.graphqlMaxDepth,
      ignoreIntrospection: true,
      exposeLimits: false,
      errorMessage: "the operation is nested too deeply.",
      ...reportAsValidationError,
    }) as unknown as ValidationRule,
    costLimitRule({
      maxCost: config.graphqlMaxCost,
      ignoreIntrospection: true,
      exposeLimits: false,
      errorMessage: "the operation asks for too much at once; request fewer items or fewer nested lists.",
      ...reportAsValidationError,
    }) as unknown as ValidationRule,
    // Not a size limit, but a refusal that must also come before anything runs, on every transport.
    oneCredentialMutationPerOperation,
  ];
}
