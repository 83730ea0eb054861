import type { EntityManager } from "@mikro-orm/postgresql";
import type { FastifyInstance } from "fastify";
import { addressBucket, FixedWindows } from "../auth/fixed-windows";
import { serviceContext } from "../core/service-context";
import type { AppServices } from "../graphql/context";
import { MAX_REPORTED_SECRETS, reportLeakedSecrets } from "../keys/leak-report.service";
import { isJsonContentType, NOT_JSON_MESSAGE } from "./json-only";

const leakBody = {
  type: "object",
  required: ["secrets"],
  properties: { secrets: { type: "array", maxItems: MAX_REPORTED_SECRETS, items: { type: "string", maxLength: 200 } } },
  additionalProperties: false,
} as const;

/** Leak reports each client address may send per minute: each may check 1,000 secrets. */
const REPORTS_PER_MINUTE = 60;

/** `POST /v1/keys/report-leak`, open to anyone, JSON only, and rate limited per client address. */
export function registerKeyRoutes(fastify: FastifyInstance, services: AppServices, em: EntityManager) {
  const reports = new FixedWindows(REPORTS_PER_MINUTE, 60_000);

  fastify.post<{ Body: { secrets: string[] } }>(
    "/v1/keys/report-leak",
    {
      schema: { body: leakBody },
      // Before the body is parsed: a form or text/plain body is refused, not read.
      onRequest: async (request, reply) => {
        if (!isJsonContentType(request.headers["content-type"])) {
          return reply.code(415).send({ error: "unsupported_media_type", message: NOT_JSON_MESSAGE });
        }
        const address = addressBucket(request.ip);
        if (reports.isOver(address)) {
          return reply
            .code(429)
            .header("retry-after", reports.retryAfterSeconds(address))
            .send({ error: "too_many_reports", message: "Too many leak reports from this address; try again later." });
        }
        reports.add(address);
      },
    },
    async (request, reply) => {
      const origin = { requestId: String(request.id), ipAddress: request.ip, userAgent: request.headers["user-agent"] ?? null };
      await reportLeakedSecrets(serviceContext(em, { origin, keyCache: services.keyVerifier }), request.body.secrets, services.keyCrypto);
      return reply.code(202).send({ received: request.body.secrets.length });
    },
  );
}
