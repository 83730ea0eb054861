import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import type { ValidationRule } from "graphql";
import type { Config } from "../config";

/**
 * Validation rules that refuse operations too deep or too costly before any resolver runs, on HTTP
 * and WebSocket alike. Limits are not exposed in errors, so probing them is not made easy.
 */
export function operationLimits(config: Pick<Config, "graphqlMaxDepth" | "graphqlMaxCost">): ValidationRule[] {
  return [
    maxDepthRule({ n: config.graphqlMaxDepth, ignoreIntrospection: true, exposeLimits: false }) as unknown as ValidationRule,
    costLimitRule({ maxCost: config.graphqlMaxCost, ignoreIntrospection: true, exposeLimits: false }) as unknown as ValidationRule,
  ];
}
