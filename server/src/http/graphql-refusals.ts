import { GraphQLError, type GraphQLFormattedError, type OperationDefinitionNode } from "graphql";
import { MAX_TOKENS } from "../graphql/limits";
import { OperationLimitCode, OperationLimitError } from "../graphql/operation-limit-error";

/** `extensions.code` of a request Apollo refused as malformed (a 4xx) without naming a code itself. */
export const BAD_REQUEST = "BAD_REQUEST";

/** graphql-js reports an exhausted call stack while parsing as a syntax error with V8's message. */
const STACK_EXHAUSTED = "Maximum call stack size exceeded";
/** graphql-js's own words (typo included) when `maxTokens` stops the parser. */
const TOO_MANY_TOKENS = "tokens. Parsing aborted.";

/** Our words for a document the parser gave up on because of a limit; null for an ordinary syntax error. */
export function parseLimitRefusal(parseFailure: string): OperationLimitError | null {
  if (parseFailure.includes(STACK_EXHAUSTED)) {
    return new OperationLimitError(OperationLimitCode.QUERY_TOO_DEEP, "The operation is nested too deeply to read.");
  }
  if (parseFailure.endsWith(TOO_MANY_TOKENS)) {
    return new OperationLimitError(
      OperationLimitCode.QUERY_TOO_COMPLEX,
      `The operation is longer than the maximum of ${MAX_TOKENS} tokens.`,
    );
  }
  return null;
}

/**
 * The client's own refusals, shaped for the client: our operation limits keep their code (Apollo
 * wraps validation errors as GRAPHQL_VALIDATION_FAILED), a document too long or nested past the
 * parser's stack says so, and Apollo's code-less 4xx refusals (such as an APQ hash that does not
 * match its query) get BAD_REQUEST instead of passing for an internal error. Null for anything else.
 */
export function clientRefusal(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | null {
  if (!(error instanceof GraphQLError)) return null;
  const limit = error instanceof OperationLimitError ? error : error.originalError;
  if (limit instanceof OperationLimitError) return { message: limit.message, extensions: { code: limit.code } };
  const parseRefusal = formatted.extensions?.code === "GRAPHQL_PARSE_FAILED" ? parseLimitRefusal(formatted.message) : null;
  if (parseRefusal) return { message: parseRefusal.message, extensions: { code: parseRefusal.code } };
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  if (error.extensions.code === undefined && status !== undefined && status >= 400 && status < 500) {
    return { message: formatted.message, extensions: { code: BAD_REQUEST } };
  }
  return null;
}

/**
 * Subscriptions are served over graphql-ws; over HTTP, Apollo would run the subscription field as a
 * query and fail inside. Refused from `didResolveOperation` (see apollo-request-hooks), before
 * anything runs, saying where to go instead.
 */
export function refuseSubscriptionOverHttp(operation: OperationDefinitionNode | undefined): void {
  if (operation?.operation !== "subscription") return;
  throw new GraphQLError("Subscriptions are served over WebSocket (the graphql-ws protocol) on this path, not over HTTP.", {
    extensions: { code: BAD_REQUEST, http: { status: 400 } },
  });
}
