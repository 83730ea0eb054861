import type { Dispatcher } from "undici";
import { ConnectionRefused } from "./guarded-connector";
import { isTargetRefusal, TARGET_REFUSED, type WebhookTargets } from "./webhook-targets";

const RESPONSE_BODY_LIMIT = 1024;

export interface SendResult {
  status: number | null;
  body: string | null;
  latencyMs: number;
  error: string | null;
  /** Milliseconds to wait, from a `Retry-After` header, when one came. */
  retryAfterMs: number | null;
}

/**
 * One POST of a webhook. Redirects are not followed (a 3xx is a failure: the receiver must give its
 * real URL), the whole exchange has a deadline, and only the start of the response body is kept.
 */
export function sendWebhook(
  targets: WebhookTargets,
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  return new Promise((settle) => {
    const url = new URL(rawUrl);
    const exchange = new WebhookExchange(settle, timeoutMs);
    // undici's own dispatch: no response stream, no redirects (that takes an interceptor), and a
    // string body gets its content-length.
    targets.dispatcher.dispatch(
      {
        origin: url.origin,
        path: url.pathname + url.search,
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "user-agent": "Latchkey-Webhooks/1" },
        body,
      },
      exchange,
    );
  });
}

/** One request's handler: keeps the status, `Retry-After` and the start of the body, and enforces the deadline. */
class WebhookExchange implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private readonly deadline: NodeJS.Timeout;
  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;
  private status = 0;
  private retryAfter: string | undefined;
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(
    private readonly settle: (result: SendResult) => void,
    private readonly timeoutMs: number,
  ) {
    // The pool has no connection cap, so a request is sent at once and this deadline is its own.
    this.deadline = setTimeout(() => this.expire(), timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // A deadline that passed while connecting ends the request as soon as it has a connection.
    if (this.settled) controller.abort(this.deadlineError());
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
      body: Buffer.concat(this.chunks).toString("utf8"),
      latencyMs: this.elapsed(),
      error: null,
      retryAfterMs: parseRetryAfter(this.retryAfter),
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish({ status: null, body: null, latencyMs: this.elapsed(), error: failureMessage(error), retryAfterMs: null });
  }

  private expire(): void {
    const error = this.deadlineError();
    this.finish({ status: null, body: null, latencyMs: this.elapsed(), error: error.message, retryAfterMs: null });
    this.controller?.abort(error);
  }

  private deadlineError(): DeadlineExceeded {
    return new DeadlineExceeded(`no response within ${this.timeoutMs / 1000} s`);
  }

  private finish(result: SendResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.deadline);
    this.settle(result);
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.started);
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
