import type { EntityManager } from "@mikro-orm/postgresql";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppServices } from "../graphql/context";
import { KeyKind } from "../keys/key-enums";
import { MAX_REPORTED_SECRETS, reportLeakedSecrets } from "../keys/leak-report.service";
import { verificationView } from "../keys/verification-view";

const verifyBody = {
  type: "object",
  properties: {
    key: { type: "string", maxLength: 200 },
    accessKey: { type: "string", maxLength: 200 },
    secretKey: { type: "string", maxLength: 200 },
  },
  additionalProperties: false,
} as const;

const leakBody = {
  type: "object",
  required: ["secrets"],
  properties: { secrets: { type: "array", maxItems: MAX_REPORTED_SECRETS, items: { type: "string", maxLength: 200 } } },
  additionalProperties: false,
} as const;

const verifyResponse = {
  200: {
    type: "object",
    properties: {
      valid: { type: "boolean" },
      code: { type: "string" },
      keyId: { type: ["string", "null"] },
      name: { type: ["string", "null"] },
      kind: { type: ["string", "null"] },
      ownerId: { type: ["string", "null"] },
      organizationId: { type: ["string", "null"] },
      locationId: { type: ["string", "null"] },
      scopes: { type: ["array", "null"], items: { type: "string" } },
      expiresAt: { type: ["string", "null"], format: "date-time" },
    },
  },
} as const;

/**
 * `POST /v1/keys/verify` for services that keep their keys in Latchkey, and `POST /v1/keys/report-leak`
 * (open to anyone). Both are rate limited per client address on failures; JSON schemas validate
 * bodies and serialise answers fast.
 */
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

  fastify.post<{ Body: { key?: string; accessKey?: string; secretKey?: string } }>(
    "/v1/keys/verify",
    { schema: { body: verifyBody, response: verifyResponse } },
    async (request, reply) => {
      if (refuseIfBlocked(request, reply)) return reply;
      const { key, accessKey, secretKey } = request.body;
      // A lone key is a SECRET key; pairs send their public half as `accessKey` (access key ID,
      // Basic username or OAuth client ID) and the secret as `secretKey`.
      const presented = key
        ? { secret: key, kinds: [KeyKind.SECRET] }
        : { secret: secretKey ?? "", publicId: accessKey ?? "", kinds: [KeyKind.KEY_PAIR, KeyKind.BASIC, KeyKind.OAUTH_CLIENT] };
      const verification = await services.keyVerifier.verify(presented, request.ip);
      if (!verification.valid) failures.recordFailure(request.ip);
      return verificationView(verification);
    },
  );

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
