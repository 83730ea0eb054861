import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { Logger } from "../observability/logger";
import { pathOf } from "./verify-handler";

/** Every method a page may use on the CORS paths: GraphQL queries by GET, everything by POST. */
const METHODS = ["GET", "POST"];
/**
 * What a page may send: its credential (bearer token, or a KEY_PAIR key's `accessKey`/`secretKey`),
 * JSON, its own request ID, and Apollo's CSRF header, without which Apollo refuses a GET.
 */
const ALLOWED_HEADERS = ["authorization", "content-type", "accesskey", "secretkey", "x-request-id", "apollo-require-preflight"];
/** What a page may read beyond the safelisted headers: the ID to quote when reporting a problem, and when to retry. */
const EXPOSED_HEADERS = ["x-request-id", "retry-after"];
/**
 * How long a browser may reuse a preflight answer: Chromium's ceiling (Firefox allows a day). A
 * cached preflight grants no access by itself: every answer still carries (or lacks) its own
 * `Access-Control-Allow-Origin`, so an origin taken off the list loses access at the next restart.
 */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * Origins that only a browser extension can send: a web page cannot claim one. The extension's
 * background opens its WebSocket with such an origin, and Firefox's differs per installation
 * (`moz-extension://<random UUID>`), so no list could name it. An extension allowed to reach the
 * server can send requests without any Origin anyway, so admitting these costs nothing.
 */
const EXTENSION_SCHEMES = new Set(["chrome-extension:", "moz-extension:", "safari-web-extension:"]);

const isPreflight = (request: IncomingMessage) =>
  request.method === "OPTIONS" && request.headers.origin !== undefined && request.headers["access-control-request-method"] !== undefined;

/**
 * Which browser pages may call Latchkey: the exact origins of `CORS_ORIGINS`, on the paths a host's
 * frontend needs (GraphQL, key verification, the token endpoint) and nowhere else. Credentials are
 * bearer headers, never cookies, so `Access-Control-Allow-Credentials` is never sent: a page gets
 * nothing it did not bring.
 */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;
  private readonly paths: ReadonlySet<string>;
  private readonly ownOrigin: string | undefined;
  /** The verify endpoint's headers per origin, built once: it is the hot path. */
  private readonly answerHeaders = new Map<string, Readonly<Record<string, string>>>();
  /** The same headers as flat name-value lists, the form Node's `writeHead` reads without enumerating an object. */
  private readonly answerHeaderLists = new Map<string, readonly string[]>();
  private static readonly NOT_ALLOWED: Readonly<Record<string, string>> = Object.freeze({ vary: "Origin" });
  private static readonly NOT_ALLOWED_LIST: readonly string[] = Object.entries(CorsPolicy.NOT_ALLOWED).flat();

  constructor(options: {
    /** Exact origins, as `Origin` spells them (config.ts normalises them). */
    origins: readonly string[];
    /** The paths that answer CORS; every other path answers as if CORS did not exist. */
    paths: readonly string[];
    /** Latchkey's own origin (`PUBLIC_URL`), whose pages are not cross-site. */
    ownOrigin?: string;
  }) {
    this.origins = new Set(options.origins);
    this.paths = new Set(options.paths);
    for (const origin of this.origins) {
      const headers = Object.freeze({
        "access-control-allow-origin": origin,
        "access-control-expose-headers": EXPOSED_HEADERS.join(", "),
        vary: "Origin",
      });
      this.answerHeaders.set(origin, headers);
      this.answerHeaderLists.set(origin, Object.entries(headers).flat());
    }
    this.ownOrigin = options.ownOrigin;
  }

  /** Whether `origin` is one of `CORS_ORIGINS`, exactly. */
  isAllowed(origin: string | undefined): origin is string {
    return origin !== undefined && this.origins.has(origin);
  }

  /** Whether the request URL's path is one that answers CORS at all. */
  answersCors(url: string | undefined): boolean {
    return this.paths.has(pathOf(url));
  }

  /** A CORS preflight for a path that answers CORS: Fastify's to answer (see `registerCors`), not the plain handlers'. */
  isPreflightFor(request: IncomingMessage): boolean {
    return isPreflight(request) && this.answersCors(request.url);
  }

  /** Headers for an answer on a CORS path (the verify endpoint, which Fastify does not serve). */
  headersFor(origin: string | undefined): Readonly<Record<string, string>> {
    return (origin !== undefined && this.answerHeaders.get(origin)) || CorsPolicy.NOT_ALLOWED;
  }

  /** `headersFor` as a flat name-value list (`[name, value, …]`), for the verify endpoint's plain handler. */
  headerListFor(origin: string | undefined): readonly string[] {
    return (origin !== undefined && this.answerHeaderLists.get(origin)) || CorsPolicy.NOT_ALLOWED_LIST;
  }

  /**
   * Whether a WebSocket upgrade may proceed. Browsers apply no CORS to WebSocket, and always send
   * `Origin`; checking it keeps other websites' pages off the socket (cross-site WebSocket
   * hijacking). No `Origin` means no browser page: a server, a script, a test.
   */
  admitsWebSocket(request: IncomingMessage): boolean {
    const { origin } = request.headers;
    if (origin === undefined || this.origins.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // `null` (sandboxed frames, files) and anything else unreadable
    }
    if (EXTENSION_SCHEMES.has(url.protocol)) return true;
    // Latchkey's own pages: the configured public origin, or the host the browser asked for.
    return url.origin === this.ownOrigin || (url.host !== "" && url.host === request.headers.host?.toLowerCase());
  }
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set while a listed origin's preflight is answered, so the catch-all OPTIONS route lets it through. */
    corsPreflightEnabled: boolean;
  }
}

/** The headers of a listed origin's preflight answer: the same for every origin, so joined once. */
const PREFLIGHT_HEADERS = Object.freeze({
  "access-control-allow-methods": METHODS.join(", "),
  "access-control-allow-headers": ALLOWED_HEADERS.join(", "),
  "access-control-max-age": String(PREFLIGHT_MAX_AGE_SECONDS),
});

/** The answer to a preflight from an origin not in `CORS_ORIGINS`, on a path that answers CORS. */
const ORIGIN_NOT_ALLOWED = Object.freeze({
  error: "origin_not_allowed",
  message: "This origin may not call Latchkey from a browser; its operator can add it to CORS_ORIGINS.",
});

function logRefusedPreflight(log: Pick<Logger, "info">, request: IncomingMessage) {
  log.info({ origin: String(request.headers.origin).slice(0, 200) }, "refused a CORS preflight from an origin not in CORS_ORIGINS");
}

/**
 * Answers a preflight for which `policy.isPreflightFor(request)` holds on a plain Node server (the
 * verify listener), as `registerCors` answers it in Fastify: 204 with the preflight headers for a
 * listed origin, 403 with a message for any other.
 */
export function answerPreflight(policy: CorsPolicy, log: Logger, request: IncomingMessage, response: ServerResponse, requestId: string) {
  const { origin } = request.headers;
  if (!policy.isAllowed(origin)) {
    logRefusedPreflight(log, request);
    const body = JSON.stringify(ORIGIN_NOT_ALLOWED);
    response.writeHead(403, {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(body)),
      "x-request-id": requestId,
    });
    response.end(body);
    return;
  }
  // 204 with an explicit zero length: Safari waits for a body otherwise.
  response.writeHead(204, { ...policy.headersFor(origin), ...PREFLIGHT_HEADERS, "x-request-id": requestId, "content-length": "0" });
  response.end();
}

/**
 * CORS for what Fastify serves: a listed origin's preflight is answered before any other hook runs
 * (a preflight carries no credential and no body, so nothing else should judge it), and its answers
 * carry the origin. An unlisted origin's preflight on a CORS path is refused with 403 and a message a
 * developer can act on; on any other path, or without an `Origin`, OPTIONS is answered as it would
 * be without CORS.
 *
 * This answers exactly as `@fastify/cors` did with a per-request delegator (same headers, same
 * catch-all OPTIONS route, same 400 for a preflight without a method), but with the answer's
 * headers built once: the library's delegator mode copies its whole option set twice on every
 * request, a twentieth of the CPU time of a small GraphQL query.
 */
export async function registerCors(fastify: FastifyInstance, policy: CorsPolicy) {
  fastify.addHook("onRequest", (request, reply, done) => {
    if (!isPreflight(request.raw) || !policy.answersCors(request.url) || policy.isAllowed(request.headers.origin)) return done();
    logRefusedPreflight(request.log, request.raw);
    reply.code(403).send(ORIGIN_NOT_ALLOWED);
  });
  fastify.decorateRequest("corsPreflightEnabled", false);
  fastify.addHook("onRequest", (request, reply, done) => {
    // Every answer varies with `Origin`, listed or not, on every path, so that no cache hands one
    // origin's answer to another. No earlier hook sets `Vary`, so there is nothing to merge.
    reply.header("vary", "Origin");
    const { origin } = request.headers;
    if (!policy.answersCors(request.url) || !policy.isAllowed(origin)) return done();
    reply.headers(policy.headersFor(origin));
    if (request.raw.method !== "OPTIONS") return done();
    if (!request.headers["access-control-request-method"]) {
      reply.status(400).type("text/plain").send("Invalid Preflight Request");
      return;
    }
    request.corsPreflightEnabled = true;
    // 204 with an explicit zero length: Safari waits for a body otherwise.
    reply.headers(PREFLIGHT_HEADERS).code(204).header("content-length", "0").send();
  });
  // Lets Fastify accept a preflight on any path; the hook above has answered it by then. Any other
  // OPTIONS request is not found, as it would be without CORS.
  fastify.options("*", (request, reply) => {
    if (!request.corsPreflightEnabled) return reply.callNotFound();
    reply.send();
  });
}
