import http from "node:http";
import https from "node:https";
import { ConnectionRefused } from "./guarded-agents";
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
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((settle) => {
    let settled = false;
    const resolve = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      settle(result);
    };
    const failed = (error: Error) =>
      resolve({ status: null, body: null, latencyMs: elapsed(), error: failureMessage(error), retryAfterMs: null });
    const url = new URL(rawUrl);
    const request = (url.protocol === "https:" ? https : http).request(url, {
      method: "POST",
      agent: targets.agentFor(url),
      headers: {
        ...headers,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "user-agent": "Latchkey-Webhooks/1",
      },
    });
    // The agents have no socket cap, so a request is sent at once and this deadline is its own.
    const deadline = setTimeout(() => request.destroy(new DeadlineExceeded(`no response within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on("data", (chunk: Buffer) => {
        if (kept < RESPONSE_BODY_LIMIT) chunks.push(chunk.subarray(0, RESPONSE_BODY_LIMIT - kept));
        kept += chunk.length;
      });
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? null,
          body: Buffer.concat(chunks).toString("utf8"),
          latencyMs: elapsed(),
          error: null,
          retryAfterMs: parseRetryAfter(response.headers["retry-after"]),
        }),
      );
      response.on("error", failed);
    });
    request.on("error", failed);
    request.end(body);
  });
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
 * The error an attempt records, for the endpoint's owner to read. Node's messages may name the
 * address a host resolved to (`connect ECONNREFUSED 10.1.2.3:80`), and the agent's always do, so
 * neither is kept: the agent's refusal becomes `TARGET_REFUSED`, Node's errors their code. Our own
 * guard's refusals name no address and are kept as they are.
 */
export function failureMessage(error: Error): string {
  if (error instanceof DeadlineExceeded || error instanceof ConnectionRefused) return error.message;
  if (isTargetRefusal(error)) return TARGET_REFUSED;
  const code = (error as NodeJS.ErrnoException).code;
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
