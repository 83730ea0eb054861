import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import type { EntityManager } from "@mikro-orm/postgresql";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import { WebSocketServer } from "ws";
import type { Config } from "../config";
import { isDatabaseUnavailable } from "../db/unavailable";
import { type AppServices, buildContext, type RequestContext } from "../graphql/context";
import { BoundedDocumentStore } from "../graphql/document-store";
import { GraphQLErrorCode } from "../graphql/errors";
import { operationLimits, parseOptions } from "../graphql/limits";
import { registerOAuthRoutes, TOKEN_PATH } from "../oauth/token-route";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import { apolloRequestHooks } from "./apollo-request-hooks";
import { registerApolloRoute } from "./apollo-route";
import { clientAddressOf, compileProxyTrust } from "./client-address";
import { registerConsoleRoutes } from "./console";
import { CorsPolicy, registerCors } from "./cors";
import { credentialHeaders } from "./credential-headers";
import { databaseUnavailableErrorHandler, formatUnavailable, rethrowUnavailable } from "./database-unavailable";
import { registerElementRoutes } from "./elements";
import { clientRefusal } from "./graphql-refusals";
import { serveGraphqlOverWebSocket } from "./graphql-ws";
import { registerHealthRoutes } from "./health";
import { registerKeyRoutes } from "./key-routes";
import { requestIdOf } from "./request-id";
import { RedactingLogController } from "./request-logging";
import { redactedUrl, refuseCredentialsInUrl, urlCarriesCredentials } from "./url-credentials";
import { handleVerify, pathOf, VERIFY_PATH } from "./verify-handler";

export const GRAPHQL_PATH = "/graphql";

/** Unexpected errors are logged in full and reach the client as a bare code: no stack, no SQL, no secret. */
function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const refusal = clientRefusal(formatted, error);
    if (refusal) return refusal;
    const code = formatted.extensions?.code;
    if (code === GraphQLErrorCode.SERVICE_UNAVAILABLE) return formatted;
    if (isDatabaseUnavailable(error)) {
      log.warn({ err: error }, "GraphQL request failed: the database is unavailable");
      return formatUnavailable(formatted);
    }
    if (code === GraphQLErrorCode.INTERNAL_SERVER_ERROR || code === undefined) {
      log.error({ err: error }, "unexpected GraphQL error");
      return { message: "Internal server error", path: formatted.path, extensions: { code: GraphQLErrorCode.INTERNAL_SERVER_ERROR } };
    }
    return formatted;
  };
}

export interface HttpApp {
  fastify: FastifyInstance;
  close(): Promise<void>;
}

/** Fastify with GraphQL over HTTP and WebSocket on one path, health checks and metrics. */
export async function createHttpApp(options: {
  config: Config;
  log: Logger;
  em: EntityManager;
  schema: GraphQLSchema;
  metrics: Metrics;
  services: AppServices;
  isReady: () => Promise<boolean>;
}): Promise<HttpApp> {
  const { config, log, em, schema, metrics, services } = options;
  // One trust function for every path: Fastify's `request.ip` and the plain handlers below.
  const proxyTrust = compileProxyTrust(config.trustProxy);
  const addressOf = (request: IncomingMessage) => clientAddressOf(request, proxyTrust);
  const cors = new CorsPolicy({ origins: config.corsOrigins, paths: [GRAPHQL_PATH, VERIFY_PATH, TOKEN_PATH], ownOrigin: config.publicUrl });
  // The verify path is served by a plain handler before Fastify sees the request (see verify-handler),
  // except CORS preflights, which Fastify answers for every path alike (see cors).
  // Credentials in a URL are refused before either reads it, on every path (see url-credentials).
  const serverFactory = (fastifyHandler: (request: IncomingMessage, response: ServerResponse) => void) =>
    http.createServer((request, response) => {
      if (urlCarriesCredentials(request.url)) return refuseCredentialsInUrl(log, request, response, requestIdOf(request.headers));
      if (pathOf(request.url) === VERIFY_PATH && !cors.isPreflightFor(request)) {
        return handleVerify(services, log, request, response, addressOf(request), cors);
      }
      fastifyHandler(request, response);
    });
  const fastify = Fastify({
    serverFactory,
    loggerInstance: log as FastifyBaseLogger,
    genReqId: (request) => requestIdOf(request.headers),
    logController: new RedactingLogController({ requestIdLogLabel: "requestId", disableRequestLogging: config.environment === "test" }),
    bodyLimit: 1_048_576,
    // A number where a key belongs is a client bug to report, not a value to convert.
    ajv: { customOptions: { coerceTypes: false } },
    // The function, not the setting: since 5.12.1 Fastify reads a bare hop count as "trust nothing",
    // because a count cannot tell a proxy from a client that reaches us directly (see the README).
    trustProxy: proxyTrust,
    forceCloseConnections: false,
    return503OnClosing: true,
  });

  // Before any route is registered: routes take the error handler in force when they are added.
  fastify.setErrorHandler(databaseUnavailableErrorHandler);

  // Echo the request ID so a user reporting a problem can quote the ID that is in our logs. This
  // covers what Fastify serves; the verify path and the refusal of credentials in a URL never reach
  // Fastify and set the header themselves (verify-handler, url-credentials). A callback hook: it
  // does no I/O, so it needs no promise.
  fastify.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });

  // Before the routes, so that a preflight is answered before any route's own hooks judge it.
  await registerCors(fastify, cors);

  const development = config.environment === "development";
  const plugins: ApolloServerPlugin<RequestContext>[] = [
    fastifyApolloDrainPlugin(fastify),
    apolloRequestHooks(metrics) as ApolloServerPlugin<RequestContext>,
    development ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
    // No resolver sets cache hints, yet Apollo's default cache-control plugin would wrap every
    // field's resolution to collect them: a tenth of a small read's execution, for nothing.
    ApolloServerPluginCacheControlDisabled(),
    // Apollo installs its inline-trace plugin unless told not to, only to find at start that this
    // schema is no federation subgraph; it would still cost an idle listener on every request.
    ApolloServerPluginInlineTraceDisabled(),
  ];
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: development || config.environment === "test",
    includeStacktraceInErrorResponses: false,
    // main.ts handles SIGTERM and SIGINT once, for everything: Apollo's own handler would re-raise
    // the signal and end the process before the embedded PostgreSQL is stopped.
    stopOnTerminationSignals: false,
    validationRules: operationLimits(config),
    parseOptions,
    documentStore: new BoundedDocumentStore(),
    // "Did you mean …?" in validation errors would spell out the schema that introspection hides.
    hideSchemaDetailsFromClientErrors: config.environment === "production",
    formatError: formatError(log),
    plugins,
  });
  await apollo.start();

  registerApolloRoute(fastify, apollo, {
    path: GRAPHQL_PATH,
    context: async (request) => {
      // Read once: behind a trusted proxy, each read of `request.ip` walks the forwarding headers again.
      const clientAddress = request.ip;
      const caller = await services.authenticator.identify(credentialHeaders(request.headers), clientAddress).catch(rethrowUnavailable);
      return buildContext({
        em,
        actor: caller?.actor ?? null,
        actorGrants: caller?.grants,
        services,
        config,
        log: request.log as Logger,
        origin: { requestId: String(request.id), ipAddress: clientAddress, userAgent: request.headers["user-agent"] ?? null },
      });
    },
  });
  registerHealthRoutes(fastify, { metrics, isReady: options.isReady });
  registerElementRoutes(fastify, log);
  registerConsoleRoutes(fastify, config, log);
  registerKeyRoutes(fastify, services, em);
  await registerOAuthRoutes(fastify, services, services.accessTokens);

  const wsServer = new WebSocketServer({ noServer: true });
  const graphqlWs = serveGraphqlOverWebSocket({ wsServer, schema, em, config, log, services, addressOf });
  fastify.server.on("upgrade", (request, socket, head) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname !== GRAPHQL_PATH) return socket.destroy();
    if (urlCarriesCredentials(request.url)) {
      log.warn({ url: redactedUrl(request.url) }, "refused credentials in the URL of a WebSocket upgrade");
      socket.end(`HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    if (!cors.admitsWebSocket(request)) {
      log.warn({ origin: String(request.headers.origin).slice(0, 200) }, "refused a WebSocket upgrade from an origin not in CORS_ORIGINS");
      socket.end(`HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit("connection", ws, request));
  });

  return {
    fastify,
    async close() {
      // Tell subscribers we are going away (1001), then let in-flight HTTP requests finish.
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await fastify.close();
    },
  };
}
