import http from "node:http";
import https from "node:https";
import type { WebhookTargets } from "./webhook-targets";

const RESPONSE_BODY_LIMIT = 1024;

export interface SendResult {
  status: number | null;
  body: string | null;
  latencyMs: number;
  error: string | null;
  /** Seconds from a `Retry-After` header, when one came. */
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
    const failed = (error: Error) => resolve({ status: null, body: null, latencyMs: elapsed(), error: error.message, retryAfterMs: null });
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
    const deadline = setTimeout(() => request.destroy(new Error(`no response within ${timeoutMs / 1000} s`)), timeoutMs);
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

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
