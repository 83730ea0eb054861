import { Readable } from "node:stream";
import { type ApolloServer, type BaseContext, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import type { FastifyInstance, FastifyRequest } from "fastify";

/**
 * The request as Apollo reads it. `@as-integrations/fastify` builds the same from a `new URL(url,
 * protocol://hostname)`, and with a trusted-proxy function `request.protocol` and `request.hostname`
 * each walk the forwarding headers again: all that for the query string, which only a GET uses.
 * Apollo reads `search` with `URLSearchParams`, which decodes the raw query string as it decodes
 * the one `URL` re-encodes.
 */
export function httpGraphQLRequestOf(request: FastifyRequest): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  const raw = request.headers;
  for (const name in raw) {
    const value = raw[name];
    if (value) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return { method: request.method.toUpperCase(), headers, search: searchOf(request.url), body: request.body };
}

/** The query string of a request target, `?` included, without any fragment; "" when there is none. */
export function searchOf(url: string): string {
  const fragment = url.indexOf("#");
  const target = fragment === -1 ? url : url.slice(0, fragment);
  const start = target.indexOf("?");
  return start === -1 || start === target.length - 1 ? "" : target.slice(start);
}

/**
 * GraphQL over HTTP on `path`, answered by Apollo: the route `@as-integrations/fastify` registers
 * (GET, POST and OPTIONS, status and headers from Apollo, streamed bodies for incremental delivery),
 * with the cheaper request conversion above.
 */
export function registerApolloRoute<Context extends BaseContext>(
  fastify: FastifyInstance,
  apollo: ApolloServer<Context>,
  options: { path: string; context: (request: FastifyRequest) => Promise<Context> },
): void {
  apollo.assertStarted("registerApolloRoute()");
  fastify.route({
    method: ["GET", "POST", "OPTIONS"],
    url: options.path,
    handler: async (request, reply) => {
      const { headers, body, status } = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: httpGraphQLRequestOf(request),
        context: () => options.context(request),
      });
      for (const [name, value] of headers) reply.header(name, value);
      reply.code(status ?? 200);
      if (body.kind === "complete") return body.string;
      return reply.send(Readable.from(body.asyncIterator));
    },
  });
}
