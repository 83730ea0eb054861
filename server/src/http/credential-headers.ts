import type { IncomingHttpHeaders } from "node:http";
import type { CredentialHeaders } from "../auth/authenticate";

function single(value: string | string[] | undefined): string | null {
  return typeof value === "string" ? value : null;
}

/** The credential-bearing headers of a request (`accessKey`/`secretKey` carry a KEY_PAIR key; HTTP lower-cases them). */
export function credentialHeaders(headers: IncomingHttpHeaders): CredentialHeaders {
  return { authorization: single(headers.authorization), accessKey: single(headers.accesskey), secretKey: single(headers.secretkey) };
}
