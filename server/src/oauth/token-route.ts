import formbody from "@fastify/formbody";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { basicCredentials } from "../auth/authenticate";
import { ALL_PERMISSIONS, type Permission } from "../auth/permission";
import type { AppServices } from "../graphql/context";
import { KeyKind } from "../keys/key-enums";
import { ACCESS_TOKEN_SECONDS, type AccessTokens } from "./access-tokens";

/** The token endpoint: RFC 8414 metadata names it, and browser frontends may call it (CORS). */
export const TOKEN_PATH = "/oauth/token";

/** RFC 6749 §5.2 error codes. */
enum OAuthError {
  INVALID_REQUEST = "invalid_request",
  INVALID_CLIENT = "invalid_client",
  UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type",
  INVALID_SCOPE = "invalid_scope",
}

function fail(reply: FastifyReply, status: number, error: OAuthError, description: string) {
  if (error === OAuthError.INVALID_CLIENT) reply.header("www-authenticate", 'Basic realm="latchkey"');
  return reply.code(status).header("cache-control", "no-store").send({ error, error_description: description });
}

/** client_secret_basic (RFC 6749 §2.3.1: form-urlencoded, then Basic) or client_secret_post. */
function clientCredentials(request: FastifyRequest<{ Body: Record<string, string> }>) {
  const basic = basicCredentials(request.headers.authorization);
  if (basic) {
    try {
      return { clientId: decodeURIComponent(basic.username), clientSecret: decodeURIComponent(basic.password), viaBasic: true };
    } catch {
      return null; // malformed percent-encoding: an unauthenticated client, not a server error
    }
  }
  const { client_id: clientId, client_secret: clientSecret } = request.body ?? {};
  return clientId && clientSecret ? { clientId, clientSecret, viaBasic: false } : null;
}

/**
 * The OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for OAUTH_CLIENT keys, with RFC 8414
 * metadata and a JWKS, so that stock OAuth clients and JWT libraries work unchanged.
 */
export async function registerOAuthRoutes(fastify: FastifyInstance, services: AppServices, tokens: AccessTokens) {
  await fastify.register(formbody);

  // Derived from the configured address alone: a forged Host header must not name another issuer.
  fastify.get("/.well-known/oauth-authorization-server", async () => {
    const { issuer } = tokens;
    return {
      issuer,
      token_endpoint: `${issuer}${TOKEN_PATH}`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      response_types_supported: [],
      scopes_supported: ALL_PERMISSIONS,
    };
  });

  fastify.get("/.well-known/jwks.json", async (_request, reply) =>
    reply.header("cache-control", "public, max-age=300").send(tokens.jwks()),
  );

  fastify.post<{ Body: Record<string, string> }>(TOKEN_PATH, async (request, reply) => {
    const body = request.body ?? {};
    if (body.grant_type !== "client_credentials") {
      return fail(
        reply,
        400,
        body.grant_type ? OAuthError.UNSUPPORTED_GRANT_TYPE : OAuthError.INVALID_REQUEST,
        "Only grant_type=client_credentials is supported.",
      );
    }
    const client = clientCredentials(request);
    if (!client) return fail(reply, 401, OAuthError.INVALID_CLIENT, "Send client_id and client_secret, by HTTP Basic or in the body.");
    const verification = await services.keyVerifier.verify(
      { secret: client.clientSecret, publicId: client.clientId, kinds: [KeyKind.OAUTH_CLIENT] },
      request.ip,
    );
    if (!verification.valid) {
      // Only failing attempts are throttled: a valid client is served whatever its address did before.
      const verdict = services.failedAttempts.failed(request.ip, client.clientId);
      if (verdict.throttled) return reply.code(429).header("retry-after", verdict.retryAfterSeconds).send({ error: "slow_down" });
      return fail(reply, 401, OAuthError.INVALID_CLIENT, "Client authentication failed.");
    }
    const { key } = verification;
    const requested = typeof body.scope === "string" && body.scope.trim() ? body.scope.trim().split(/\s+/) : key.scopes;
    const beyond = requested.filter((scope) => !key.scopes.includes(scope as Permission));
    if (beyond.length) return fail(reply, 400, OAuthError.INVALID_SCOPE, `Not granted to this client: ${beyond.join(" ")}.`);
    const scopes = requested as Permission[];
    const accessToken = await tokens.issue({
      keyId: key.id,
      secretId: key.secretId,
      clientId: client.clientId,
      organizationId: key.organizationId,
      locationId: key.locationId,
      mappedUserId: key.mappedUserId,
      scopes,
    });
    return reply
      .header("cache-control", "no-store")
      .header("pragma", "no-cache")
      .send({ access_token: accessToken, token_type: "Bearer", expires_in: ACCESS_TOKEN_SECONDS, scope: scopes.join(" ") });
  });
}
