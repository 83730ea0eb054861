import { type FastifyReply, type FastifyRequest, LogController } from "fastify";
import { redactedUrl } from "./url-credentials";

/** Fastify's request log lines, with the one that writes the raw URL ("Route … not found") redacted. */
export class RedactingLogController extends LogController {
  override routeNotFound(request: FastifyRequest, _reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    request.log.info(`Route ${request.raw.method}:${redactedUrl(request.raw.url)} not found`);
  }
}
