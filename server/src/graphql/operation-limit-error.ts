import { GraphQLError } from "graphql";

/** `extensions.code` of an operation refused before it runs, for being too large, deep or costly. */
export enum OperationLimitCode {
  /** Worst-case cost, aliases or size over the limit. */
  QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX",
  /** Nested deeper than the limit. */
  QUERY_TOO_DEEP = "QUERY_TOO_DEEP",
}

/**
 * An operation refused by one of our limits (HTTP 400). Apollo wraps validation errors and sets
 * their code to GRAPHQL_VALIDATION_FAILED; `formatError` restores this one's own code.
 */
export class OperationLimitError extends GraphQLError {
  constructor(
    readonly code: OperationLimitCode,
    message: string,
  ) {
    super(message, { extensions: { code } });
    this.name = "OperationLimitError";
  }
}
