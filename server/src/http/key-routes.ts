import type { EntityManager } from "@mikro-orm/postgresql";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppServices } from "../graphql/context";
import { MAX_REPORTED_SECRETS, reportLeakedSecrets } from "../keys/leak-report.service";

const leakBody = {
  type: "object",
  required: ["secrets"],
  properties: { secrets: { type: "array", maxItems: MAX_REPORTED_SECRETS, items: { type: "string", maxLength: 200 } } },
  additionalProperties: false,
} as const;

/** `POST /v1/keys/report-leak`, open to anyone and rate limited per client address. */
export function registerKeyRoutes(fastify: FastifyInstance, services: AppServices, em: EntityManager) {
  const failures = services.failedAttempts;

  const refuseIfBlocked = (request: FastifyRequest, reply: FastifyReply) => {
    if (!failures.isBlocked(request.ip)) return false;
    void reply
      .code(429)
      .header("retry-after", failures.retryAfter(request.ip))
      .send({ error: "too_many_failures", message: "Too many failed attempts from this address; try again later." });
    return true;
  };

  fastify.post<{ Body: { secrets: string[] } }>("/v1/keys/report-leak", { schema: { body: leakBody } }, async (request, reply) => {
    if (refuseIfBlocked(request, reply)) return reply;
    await reportLeakedSecrets(
      em,
      services.keyCrypto,
      request.body.secrets,
      {
        requestId: String(request.id),
        ipAddress: request.ip,
        userAgent: request.headers["user-agent"] ?? null,
      },
      (keyId) => services.keyVerifier.evict(keyId),
    );
    return reply.code(202).send({ received: request.body.secrets.length });
  });
}
