import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppServices } from "../graphql/context";
import { KeyKind } from "../keys/key-enums";
import type { PresentedKey } from "../keys/key-verifier";
import { verificationView } from "../keys/verification-view";

export const VERIFY_PATH = "/v1/keys/verify";
const MAX_BODY = 4096;
const FIELDS = new Set(["key", "accessKey", "secretKey"]);

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}

/** The request body as a presented key, or an error message for the client. */
function presentedKey(text: string): PresentedKey | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "The body must be JSON.";
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return "The body must be a JSON object.";
  const fields = body as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) {
    if (!FIELDS.has(name)) return `Unknown field \`${name}\`; send \`key\`, or \`accessKey\` and \`secretKey\`.`;
    if (typeof value !== "string" || value.length > 200) return `\`${name}\` must be a string of at most 200 characters.`;
  }
  // A lone key is a SECRET key; pairs send their public half as `accessKey` (access key ID, Basic
  // username or OAuth client ID) and the secret as `secretKey`.
  if (typeof fields.key === "string") return { secret: fields.key, kinds: [KeyKind.SECRET] };
  if (typeof fields.secretKey === "string") {
    return {
      secret: fields.secretKey,
      publicId: (fields.accessKey as string | undefined) ?? "",
      kinds: [KeyKind.KEY_PAIR, KeyKind.BASIC, KeyKind.OAUTH_CLIENT],
    };
  }
  return "Send `key`, or `accessKey` and `secretKey`.";
}

/**
 * `POST /v1/keys/verify` for services that keep their keys in Latchkey. This is the hot path, so it
 * is a plain Node handler in front of the framework: read a small body, check shape and checksum,
 * one cached lookup, answer. Failures are rate limited per client address.
 */
export function handleVerify(services: AppServices, request: IncomingMessage, response: ServerResponse, clientAddress: string | null) {
  const requestId = randomUUID();
  const headers = { "x-request-id": requestId };
  if (request.method !== "POST") return send(response, 405, { error: "method_not_allowed" }, { ...headers, allow: "POST" });
  const { failedAttempts, keyVerifier } = services;
  if (failedAttempts.isBlocked(clientAddress)) {
    return send(
      response,
      429,
      { error: "too_many_failures", message: "Too many failed attempts from this address; try again later." },
      {
        ...headers,
        "retry-after": String(failedAttempts.retryAfter(clientAddress)),
      },
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  request.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY) {
      send(response, 413, { error: "body_too_large" }, headers);
      request.destroy();
    } else chunks.push(chunk);
  });
  request.on("end", () => {
    if (response.headersSent) return;
    const presented = presentedKey(Buffer.concat(chunks).toString("utf8"));
    if (typeof presented === "string") return send(response, 400, { error: "bad_request", message: presented }, headers);
    keyVerifier.verify(presented, clientAddress).then(
      (verification) => {
        if (!verification.valid) failedAttempts.recordFailure(clientAddress);
        send(response, 200, verificationView(verification), headers);
      },
      () => send(response, 500, { error: "internal_error", requestId }, headers),
    );
  });
}
