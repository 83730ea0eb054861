import type { BaseContext, GraphQLRequestContextWillSendResponse } from "@apollo/server";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isDatabaseUnavailable } from "../db/unavailable";
import { GraphQLErrorCode } from "../graphql/errors";
import { DATABASE_UNAVAILABLE_MESSAGE, RETRY_AFTER_SECONDS } from "./retry-later";

/** The GraphQL error for a request refused because the database is down: HTTP 503 with Retry-After, nothing internal. */
export function serviceUnavailable(cause?: unknown): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
    originalError: cause instanceof Error ? cause : undefined,
    extensions: {
      code: GraphQLErrorCode.SERVICE_UNAVAILABLE,
      http: { status: 503, headers: new Map([["retry-after", String(RETRY_AFTER_SECONDS)]]) },
    },
  });
}

/** Context creation (authentication) that failed because the database is down answers 503, not 500. */
export function rethrowUnavailable(error: unknown): never {
  throw isDatabaseUnavailable(error) ? serviceUnavailable(error) : error;
}

/** How a resolver's database-unavailable error reaches the client: the same words and code as `serviceUnavailable`. */
export function formatUnavailable(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return { message: DATABASE_UNAVAILABLE_MESSAGE, path: formatted.path, extensions: { code: GraphQLErrorCode.SERVICE_UNAVAILABLE } };
}

/**
 * A response whose errors include an unreachable database is a 503 with Retry-After, whatever else
 * it holds. Called from Apollo's `willSendResponse` (see apollo-request-hooks).
 */
export function answerUnavailableWith503({ errors, response }: GraphQLRequestContextWillSendResponse<BaseContext>): void {
  if (!errors?.some(isDatabaseUnavailable)) return;
  response.http.status = 503;
  response.http.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
}

/**
 * Fastify's error handler for the plain routes (OAuth token, leak reports): an unreachable database
 * is a 503 with Retry-After and our own words; anything else goes on to Fastify's default handling.
 */
export function databaseUnavailableErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (!isDatabaseUnavailable(error)) throw error;
  request.log.warn({ err: error }, "request failed: the database is unavailable");
  return reply
    .code(503)
    .header("retry-after", String(RETRY_AFTER_SECONDS))
    .send({ error: "service_unavailable", message: DATABASE_UNAVAILABLE_MESSAGE });
}
