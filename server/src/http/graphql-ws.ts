import type { IncomingMessage } from "node:http";
import type { EntityManager } from "@mikro-orm/postgresql";
import { type DocumentNode, GraphQLError, type GraphQLSchema, parse, specifiedRules, validate } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { WebSocketServer } from "ws";
import type { Actor } from "../auth/actor";
import type { Config } from "../config";
import { isDatabaseUnavailable } from "../db/unavailable";
import { VIEWER_INDEPENDENT_SUBSCRIPTIONS } from "../events/key-event.type";
import { type AppServices, buildContext } from "../graphql/context";
import { DocumentCache } from "../graphql/document-cache";
import { operationLimits, parseOptions } from "../graphql/limits";
import { sharedSubscribe } from "../graphql/shared-subscribe";
import type { Logger } from "../observability/logger";
import { parseLimitRefusal } from "./graphql-refusals";

/** RFC 6455 close code 1013, "Try Again Later": graphql-ws clients reconnect after it. */
const TRY_AGAIN_LATER = 1013;

interface ConnectionState {
  actor: Actor | null;
  requestId: string;
  clientAddress: string | null;
}

/**
 * graphql-ws on the HTTP server's port and path. The credential travels in `connection_init`
 * (`{ "authorization": "Bearer …" }`); a refused one closes the socket with 4403 Forbidden, and
 * one that cannot be checked because the database is unreachable with 1013 Try Again Later.
 */
export function serveGraphqlOverWebSocket(options: {
  wsServer: WebSocketServer;
  schema: GraphQLSchema;
  em: EntityManager;
  config: Config;
  log: Logger;
  services: AppServices;
  /** The client's address from the upgrade request, by the same rule as every HTTP route. */
  addressOf: (request: IncomingMessage) => string | null;
}) {
  const limits = operationLimits(options.config);
  const states = new WeakMap<object, ConnectionState>();
  // Parse and validate here rather than through the `parse` option: a document refused by a
  // limit then gets an `error` message for that operation instead of closing the socket (4500).
  const documents = new DocumentCache((query) => {
    let document: DocumentNode;
    try {
      document = parse(query, parseOptions);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { refusals: [parseLimitRefusal(message) ?? (error instanceof GraphQLError ? error : new GraphQLError(message))] };
    }
    const refusals = validate(options.schema, document, [...specifiedRules, ...limits]);
    return refusals.length ? { refusals } : { document };
  });
  return useServer(
    {
      schema: options.schema,
      // Parse and validate here rather than through the `parse` option: a document refused by a
      // limit then gets an `error` message for that operation instead of closing the socket (4500).
      onSubscribe: (_ctx, _id, payload) => {
        const checked = documents.get(payload.query);
        if ("refusals" in checked) return [...checked.refusals];
        return {
          schema: options.schema,
          document: checked.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
        };
      },
      subscribe: sharedSubscribe(VIEWER_INDEPENDENT_SUBSCRIPTIONS),
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const text = (name: string) => {
          const value = params[name];
          return typeof value === "string" ? value : null;
        };
        // A cached credential needs no database, but a socket opened while events go unheard would
        // wait in silence: during an outage a new socket is told to try again later, whatever it carries.
        if (!options.services.eventBus.listening) {
          ctx.extra.socket.close(TRY_AGAIN_LATER, "Try again later: the database is unavailable");
          return false;
        }
        const clientAddress = options.addressOf(ctx.extra.request);
        try {
          const actor = await options.services.authenticator.authenticate(
            { authorization: text("authorization"), accessKey: text("accessKey"), secretKey: text("secretKey") },
            clientAddress,
          );
          // A socket keeps the actor it opened with, so a platform key revoked meanwhile would go on
          // provisioning over it; provisioning is request and response, so platform keys use HTTP only.
          if (actor?.platform) {
            ctx.extra.socket.close(CloseCode.Forbidden, "Forbidden: platform keys provision over HTTP only");
            return false;
          }
          states.set(ctx.extra, { actor, requestId: crypto.randomUUID(), clientAddress });
          return true;
        } catch (error) {
          // A refused credential is final (clients stop retrying), an unreachable database is not.
          if (isDatabaseUnavailable(error)) ctx.extra.socket.close(TRY_AGAIN_LATER, "Try again later: the database is unavailable");
          else ctx.extra.socket.close(CloseCode.Forbidden, "Forbidden: the credential is invalid, expired or revoked");
          return false;
        }
      },
      context: (ctx) => {
        const state = states.get(ctx.extra);
        return buildContext({
          em: options.em,
          services: options.services,
          actor: state?.actor ?? null,
          config: options.config,
          log: options.log,
          origin: {
            requestId: state?.requestId ?? crypto.randomUUID(),
            ipAddress: state ? state.clientAddress : options.addressOf(ctx.extra.request),
            userAgent: ctx.extra.request.headers["user-agent"] ?? null,
          },
        });
      },
    },
    options.wsServer,
    // Ping every 12 s: idle proxies keep the socket open, and a dead peer is dropped.
    12_000,
  );
}
