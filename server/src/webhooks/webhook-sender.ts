import type { Dispatcher } from "undici";
import { ConnectionRefused } from "./guarded-connector";
import { isTargetRefusal, TARGET_REFUSED, type WebhookTargets } from "./webhook-targets";

const RESPONSE_BODY_LIMIT = 1024;

/**
 * A receiver's reply as text PostgreSQL can store: it refuses NUL in text and jsonb, and one NUL in
 * one reply (a binary or compressed body) would fail the statement that records its whole wave. Decoding
 * as UTF-8 already replaced invalid bytes with U+FFFD; NUL is valid UTF-8, so it is replaced here.
 */
function storableText(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\ufffd") : text;
}

/** Headers every delivery carries besides its own, in the flat form undici takes. */
const COMMON_HEADERS = ["content-type", "application/json", "user-agent", "Latchkey-Webhooks/1"];

export interface SendResult {
  status: number | null;
  body: string | null;
  latencyMs: number;
  error: string | null;
  /** Milliseconds to wait, from a `Retry-After` header, when one came. */
  retryAfterMs: number | null;
}

/** One POST to make. The body may be a Buffer, so that the messages of one event share its bytes. */
export interface WebhookRequest {
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string | Buffer;
}

/**
 * One POST of a webhook. Redirects are not followed (a 3xx is a failure: the receiver must give its
 * real URL), the whole exchange has a deadline, and only the start of the response body is kept.
 */
export async function sendWebhook(
  targets: WebhookTargets,
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  const [result] = await sendWebhooks(targets, [{ url: rawUrl, headers, body }], timeoutMs);
  return result as SendResult;
}

/**
 * POSTs of webhooks side by side, as {@link sendWebhook} makes each, with their results in request
 * order. They start together, so one timer is every exchange's deadline and one promise the whole
 * batch's: a delivery wave pays for them once, not per message. Never rejects: what goes wrong with
 * a request is its result.
 */
export function sendWebhooks(targets: WebhookTargets, requests: readonly WebhookRequest[], timeoutMs: number): Promise<SendResult[]> {
  if (!requests.length) return Promise.resolve([]);
  return new Promise((resolve) => {
    const batch = new WebhookBatch(requests.length, timeoutMs, resolve);
    // The messages of a wave share a few endpoint URLs: each is parsed once.
    const targetsOf = new Map<string, { origin: string; path: string }>();
    for (let index = 0; index < requests.length; index++) {
      const request = requests[index] as WebhookRequest;
      const exchange = batch.exchange(index);
      try {
        let target = targetsOf.get(request.url);
        if (!target) {
          const url = new URL(request.url);
          target = { origin: url.origin, path: url.pathname + url.search };
          targetsOf.set(request.url, target);
        }
        const headers = COMMON_HEADERS.slice();
        for (const name in request.headers) headers.push(name, request.headers[name] as string);
        // undici's own dispatch: no response stream, no redirects (that takes an interceptor), and
        // the body gets its content-length.
        targets.dispatcher.dispatch({ origin: target.origin, path: target.path, method: "POST", headers, body: request.body }, exchange);
      } catch (error) {
        exchange.fail(error);
      }
    }
  });
}

/** The exchanges of one {@link sendWebhooks} call: their results, and the deadline they share. */
class WebhookBatch {
  private readonly startedAt = performance.now();
  private readonly exchanges: WebhookExchange[] = [];
  private readonly results: SendResult[];
  private left: number;
  // Set before the first request goes: no exchange's deadline is later than it was with a timer each.
  private readonly deadline: NodeJS.Timeout;

  constructor(
    size: number,
    private readonly timeoutMs: number,
    private readonly resolve: (results: SendResult[]) => void,
  ) {
    this.results = new Array(size);
    this.left = size;
    this.deadline = setTimeout(() => this.expire(), timeoutMs);
  }

  exchange(index: number): WebhookExchange {
    const exchange = new WebhookExchange(this, index);
    this.exchanges.push(exchange);
    return exchange;
  }

  settle(index: number, result: SendResult): void {
    this.results[index] = result;
    if (--this.left > 0) return;
    clearTimeout(this.deadline);
    this.resolve(this.results);
  }

  elapsed(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  deadlineError(): DeadlineExceeded {
    return new DeadlineExceeded(`no response within ${this.timeoutMs / 1000} s`);
  }

  private expire(): void {
    const error = this.deadlineError();
    for (const exchange of this.exchanges) exchange.expire(error);
  }
}

/** One request's handler: keeps the status, `Retry-After` and the start of the body. */
class WebhookExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;
  private status = 0;
  private retryAfter: string | undefined;
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(
    private readonly batch: WebhookBatch,
    private readonly index: number,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // A deadline that passed while connecting ends the request as soon as it has a connection.
    if (this.settled) controller.abort(this.batch.deadlineError());
    else this.controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    const retryAfter = headers["retry-after"];
    this.retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.kept < RESPONSE_BODY_LIMIT) this.chunks.push(chunk.subarray(0, RESPONSE_BODY_LIMIT - this.kept));
    this.kept += chunk.length;
  }

  onResponseEnd(): void {
    this.finish({
      status: this.status,
      body: storableText(Buffer.concat(this.chunks).toString("utf8")),
      latencyMs: this.batch.elapsed(),
      error: null,
      retryAfterMs: parseRetryAfter(this.retryAfter),
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish({ status: null, body: null, latencyMs: this.batch.elapsed(), error: failureMessage(error), retryAfterMs: null });
  }

  /** The request could not be made at all (a URL that does not parse, say). */
  fail(error: unknown): void {
    const reason = error instanceof Error ? error.name : "error";
    this.finish({ status: null, body: null, latencyMs: 0, error: `could not be sent (${reason})`, retryAfterMs: null });
  }

  /** The batch's deadline passed: unless it has its answer, the exchange fails and ends. */
  expire(error: DeadlineExceeded): void {
    if (this.settled) return;
    this.finish({ status: null, body: null, latencyMs: this.batch.elapsed(), error: error.message, retryAfterMs: null });
    this.controller?.abort(error);
  }

  private finish(result: SendResult): void {
    if (this.settled) return;
    this.settled = true;
    this.batch.settle(this.index, result);
  }
}

class DeadlineExceeded extends Error {}

/** What a failed attempt shows, from the error Node or the agent gave. */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host does not resolve",
  EAI_AGAIN: "host name lookup failed",
};

/**
 * undici's codes for what Node's HTTP client reported with a network code: an attempt's error
 * reads as it did before undici sent them.
 */
const UNDICI_CODES: Record<string, string> = {
  UND_ERR_SOCKET: "ECONNRESET",
  UND_ERR_CONNECT_TIMEOUT: "ETIMEDOUT",
};

/**
 * The error an attempt records, for the endpoint's owner to read. Node's messages may name the
 * address a host resolved to (`connect ECONNREFUSED 10.1.2.3:80`), and the agent's always do, so
 * neither is kept: the agent's refusal becomes `TARGET_REFUSED`, Node's errors their code. Our own
 * guard's refusals name no address and are kept as they are.
 */
export function failureMessage(error: Error): string {
  if (error instanceof DeadlineExceeded || error instanceof ConnectionRefused) return error.message;
  if (isTargetRefusal(error)) return TARGET_REFUSED;
  const errorCode = (error as NodeJS.ErrnoException).code;
  const code = (errorCode && UNDICI_CODES[errorCode]) ?? errorCode;
  if (typeof code !== "string" || !/^[A-Z][A-Z0-9_]*$/.test(code)) return `could not be sent (${error.name})`;
  if (NETWORK_ERRORS[code]) return `${NETWORK_ERRORS[code]} (${code})`;
  if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code)) return `TLS failed (${code})`;
  if (code.startsWith("HPE_")) return `not a valid HTTP response (${code})`;
  return `network error (${code})`;
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
