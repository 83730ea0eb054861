import type { IncomingMessage, ServerResponse } from "node:http";
import { type FastifyReply, type FastifyRequest, LogController } from "fastify";
import type { Logger } from "../observability/logger";
import { CREDENTIALS_IN_URL_MESSAGE, redactedUrl } from "./url-credentials";

/** Fastify's request log lines, with the one that writes the raw URL ("Route … not found") redacted. */
export class RedactingLogController extends LogController {
  override routeNotFound(request: FastifyRequest, _reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    request.log.info(`Route ${request.raw.method}:${redactedUrl(request.raw.url)} not found`);
  }
}

/** Answers a request that put a credential in its URL: 400, and a log line without the URL's values. */
export function refuseCredentialsInUrl(log: Logger, request: IncomingMessage, response: ServerResponse, requestId: string) {
  log.warn({ requestId, method: request.method, url: redactedUrl(request.url) }, "refused credentials in the URL");
  const body = JSON.stringify({ error: "credentials_in_url", message: CREDENTIALS_IN_URL_MESSAGE });
  response.writeHead(400, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestId,
    // The body, if any, is not read: the connection cannot be reused.
    connection: "close",
  });
  response.end(body);
}
