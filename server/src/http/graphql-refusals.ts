import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { MAX_TOKENS } from "../graphql/limits";
import { OperationLimitCode, OperationLimitError } from "../graphql/operation-limit-error";

/** graphql-js reports an exhausted call stack while parsing as a syntax error with V8's message. */
const STACK_EXHAUSTED = "Maximum call stack size exceeded";
/** graphql-js's own words (typo included) when `maxTokens` stops the parser. */
const TOO_MANY_TOKENS = "tokens. Parsing aborted.";

/**
 * The client's own refusals, shaped for the client: our operation limits keep their code (Apollo
 * wraps validation errors as GRAPHQL_VALIDATION_FAILED), a document too long or nested past the
 * parser's stack says so. Returns null for anything else.
 */
export function clientRefusal(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | null {
  if (!(error instanceof GraphQLError)) return null;
  if (error.originalError instanceof OperationLimitError || error instanceof OperationLimitError) {
    const refusal = error instanceof OperationLimitError ? error : (error.originalError as OperationLimitError);
    return { message: refusal.message, extensions: { code: refusal.code } };
  }
  if (formatted.extensions?.code === "GRAPHQL_PARSE_FAILED" && formatted.message.includes(STACK_EXHAUSTED)) {
    return { message: "The operation is nested too deeply to read.", extensions: { code: OperationLimitCode.QUERY_TOO_DEEP } };
  }
  if (formatted.extensions?.code === "GRAPHQL_PARSE_FAILED" && formatted.message.endsWith(TOO_MANY_TOKENS)) {
    return {
      message: `The operation is longer than the maximum of ${MAX_TOKENS} tokens.`,
      extensions: { code: OperationLimitCode.QUERY_TOO_COMPLEX },
    };
  }
  return null;
}
