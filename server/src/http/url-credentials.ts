import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../observability/logger";

/**
 * Credentials never belong in a URL: URLs are written to access logs, proxy logs, browser history
 * and `Referer` headers. A request whose query string carries one is refused (400) before anything
 * reads it, and logs show query strings with their values redacted (see `redactedUrl`).
 */
export const CREDENTIALS_IN_URL_MESSAGE =
  "credentials must not be sent in the URL; send them in a header (Authorization) or the request body.";

/** Query parameter names that carry credentials, compared lower-case without `-` and `_`. */
const CREDENTIAL_PARAMETERS = new Set([
  "key",
  "apikey",
  "secret",
  "secretkey",
  "clientsecret",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "token",
  "sessiontoken",
  "session",
  "password",
  "passwd",
  "pwd",
  "authorization",
  "auth",
  "bearer",
]);

/** Latchkey secrets and session tokens, webhook signing secrets, and JWTs (OAuth access tokens). */
const SECRET_VALUE = /lk_(?:sk|kp|bk|cs|session)_|whsec_|eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./;

const normalised = (name: string) => name.toLowerCase().replace(/[-_]/g, "");

/** The name of a `name=value` pair of a query string, as written. */
const parameterName = (pair: string) => pair.split("=", 1)[0] ?? "";

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** Whether the URL's query string names a credential parameter or holds something that looks like a secret. */
export function urlCarriesCredentials(url: string | undefined): boolean {
  const start = url?.indexOf("?") ?? -1;
  if (!url || start === -1) return false;
  const query = url.slice(start + 1);
  if (SECRET_VALUE.test(query) || SECRET_VALUE.test(decoded(query))) return true;
  return query.split("&").some((pair) => CREDENTIAL_PARAMETERS.has(normalised(decoded(parameterName(pair)))));
}

/** A parameter name worth keeping in logs: a plain identifier, not something pasted in its place. */
const PLAIN_NAME = /^[A-Za-z][\w.-]{0,31}$/;

/**
 * The URL as logs may show it: the path, with anything shaped like a secret masked, and the query
 * string's parameter names with every value redacted (`/graphql?query=[redacted]`).
 */
export function redactedUrl(url: string | undefined): string {
  if (!url) return "";
  const start = url.indexOf("?");
  const path = (start === -1 ? url : url.slice(0, start)).replace(/(lk_\w+?_|whsec_)[\w-]+/g, "$1[redacted]");
  if (start === -1) return path;
  const names = url
    .slice(start + 1)
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const name = parameterName(pair);
      return `${PLAIN_NAME.test(name) && !SECRET_VALUE.test(name) ? name : "[redacted]"}=[redacted]`;
    });
  return `${path}?${names.join("&")}`;
}

/** Answers a request that put a credential in its URL: 400, and a log line without the URL's values. */
export function refuseCredentialsInUrl(log: Logger, request: IncomingMessage, response: ServerResponse, requestId: string) {
  log.warn({ requestId, method: request.method, url: redactedUrl(request.url) }, "refused credentials in the URL");
  const body = JSON.stringify({ error: "credentials_in_url", message: CREDENTIALS_IN_URL_MESSAGE });
  response.writeHead(400, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestId,
    // The body, if any, is not read: the connection cannot be reused.
    connection: "close",
  });
  response.end(body);
}
