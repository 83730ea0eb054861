import { randomBytes, randomInt } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isDatabaseUnavailable } from "../db/unavailable";
import type { AppServices } from "../graphql/context";
import { KeyKind } from "../keys/key-enums";
import type { PresentedKey, Verification } from "../keys/key-verifier";
import { verificationView } from "../keys/verification-view";
import type { Logger } from "../observability/logger";
import type { CorsPolicy } from "./cors";
import { isJsonContentType, NOT_JSON_MESSAGE } from "./json-only";
import { requestIdFrom } from "./request-id";
import { DATABASE_UNAVAILABLE_MESSAGE, RETRY_AFTER_SECONDS } from "./retry-later";
import { verifyRequestHeaders } from "./verify-request-headers";

export const VERIFY_PATH = "/v1/keys/verify";
/** Bytes: a verify body is a key or two, well under this. */
const MAX_BODY = 4096;
const FIELDS = new Set(["key", "accessKey", "secretKey"]);

// Request IDs on the hot path: a per-process random prefix and a counter, unique without a UUID per
// request. Short on purpose: V8 copies a join of fewer than 13 characters into one flat string, while
// a longer one is a rope that Node's check of every header value (a regular expression) must first
// flatten in the runtime, a quarter of a microsecond per answer. Five random characters tell
// processes apart in logs, and the counter starts at a random point below 36^5 so that two
// processes that drew the same prefix still rarely meet; it stays within the limit for two billion.
const REQUEST_ID_PREFIX = `${randomBytes(4).toString("base64url").slice(0, 5)}.`;
let requestCounter = randomInt(36 ** 5);
const nextRequestId = () => REQUEST_ID_PREFIX + (++requestCounter).toString(36);

/** The path of a request URL, without its query string. */
export function pathOf(url: string | undefined): string {
  if (!url) return "";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/**
 * An answer's JSON with its length in bytes, kept as the string the header carries: Node checks
 * every header value as a string, so a number would be converted on every answer.
 */
interface Payload {
  json: string;
  byteLength: string;
}

function payloadOf(body: unknown): Payload {
  const json = JSON.stringify(body);
  return { json, byteLength: String(Buffer.byteLength(json)) };
}

/** Valid answers rendered once per cached key record: the record object lives until it is evicted. */
const renderedValid = new WeakMap<object, Payload>();

function render(verification: Verification): Payload {
  if (!verification.valid) return payloadOf(verificationView(verification));
  let payload = renderedValid.get(verification.key);
  if (!payload) {
    payload = payloadOf(verificationView(verification));
    renderedValid.set(verification.key, payload);
  }
  return payload;
}

/**
 * The headers of a verify answer, made once per request: every answer sends exactly these, and `send`
 * completes them. A flat name-value list (`[name, value, …]`): Node's `writeHead` walks it as it is,
 * where an object would be enumerated and each key checked as an own property, and the CORS headers
 * join it without copying an object's properties.
 */
type AnswerHeaders = string[];
/** Where the content-length's value sits in `AnswerHeaders`. */
const CONTENT_LENGTH_VALUE = 3;

function answerHeaders(requestId: string, corsHeaders: readonly string[]): AnswerHeaders {
  return ["content-type", "application/json; charset=utf-8", "content-length", "0", "x-request-id", requestId, ...corsHeaders];
}

/** Answers with `payload`. `headers` is this request's own list, completed in place: one list per request. */
function send(response: ServerResponse, status: number, payload: Payload, headers: AnswerHeaders, extra?: readonly string[]) {
  headers[CONTENT_LENGTH_VALUE] = payload.byteLength;
  if (extra) headers.push(...extra);
  response.writeHead(status, headers);
  response.end(payload.json);
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
  // JSON.parse makes own properties only, so `for … in` sees exactly what `Object.entries` would.
  for (const name in fields) {
    const value = fields[name];
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
 * one cached lookup, answer. Only JSON bodies are read: a web page can send a cross-origin
 * `text/plain` POST without asking, but not an `application/json` one. Failures are rate limited
 * per client address and public ID, and only failing attempts are ever refused (see FailedAttempts).
 * Its answers carry the CORS headers `cors` gives the request's `Origin` (see cors.ts).
 */
export function handleVerify(
  services: Pick<AppServices, "failedAttempts" | "keyVerifier">,
  log: Logger,
  request: IncomingMessage,
  response: ServerResponse,
  clientAddress: string | null,
  cors: CorsPolicy,
) {
  const given = verifyRequestHeaders(request.rawHeaders);
  const requestId = requestIdFrom(given.requestId, nextRequestId);
  // Every answer, refusals included, carries the CORS headers: a page on a listed origin reads why.
  const headers = answerHeaders(requestId, cors.headerListFor(given.origin));
  if (request.method !== "POST") return send(response, 405, payloadOf({ error: "method_not_allowed" }), headers, ["allow", "POST"]);
  if (!isJsonContentType(given.contentType)) {
    return send(response, 415, payloadOf({ error: "unsupported_media_type", message: NOT_JSON_MESSAGE }), headers);
  }
  const { failedAttempts, keyVerifier } = services;
  // Bytes, decoded once at the end: cheaper than a string decoder per request, and a character
  // split across two chunks is still decoded whole.
  let body: Buffer | undefined;
  request.on("data", (chunk: Buffer) => {
    body = body ? Buffer.concat([body, chunk]) : chunk;
    if (body.length > MAX_BODY) {
      send(response, 413, payloadOf({ error: "body_too_large" }), headers);
      request.destroy();
    }
  });
  request.on("end", () => {
    if (response.headersSent) return;
    const presented = presentedKey(body ? body.toString("utf8") : "");
    if (typeof presented === "string") return send(response, 400, payloadOf({ error: "bad_request", message: presented }), headers);
    const answer = (verification: Verification) => {
      const verdict = verification.valid ? null : failedAttempts.failed(clientAddress, presented.publicId || null);
      if (verdict?.throttled) {
        return send(
          response,
          429,
          payloadOf({
            error: "too_many_failures",
            message: "Too many failed attempts from this address or for this key; try again later.",
          }),
          headers,
          ["retry-after", String(verdict.retryAfterSeconds)],
        );
      }
      send(response, 200, render(verification), headers);
    };
    // Answering in this same tick when the cache knows the key keeps the hot path free of promises.
    const known = keyVerifier.verifyWithoutIo(presented, clientAddress);
    if (known) return answer(known);
    keyVerifier.verify(presented, clientAddress).then(answer, (error) => {
      if (!isDatabaseUnavailable(error)) {
        // The answer names the request ID so that its caller can tell us which entry to look at.
        log.error({ err: error, requestId }, "unexpected key verification error");
        return send(response, 500, payloadOf({ error: "internal_error", requestId }), headers);
      }
      const body = { error: "service_unavailable", message: DATABASE_UNAVAILABLE_MESSAGE, requestId };
      send(response, 503, payloadOf(body), headers, ["retry-after", String(RETRY_AFTER_SECONDS)]);
    });
  });
}
