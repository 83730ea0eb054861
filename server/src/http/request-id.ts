import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** What a client-chosen request ID may look like: short, and safe to put in logs and headers. */
const WELL_FORMED = /^[\w.-]{1,64}$/;

/** The client's `x-request-id` when well formed, so a user can quote the ID in our logs; otherwise `fallback()`. */
export function requestIdOf(headers: IncomingHttpHeaders, fallback: () => string = randomUUID): string {
  return requestIdFrom(headers["x-request-id"], fallback);
}

/** `requestIdOf` for an `x-request-id` value already read (`given`). */
export function requestIdFrom(given: string | string[] | undefined, fallback: () => string = randomUUID): string {
  return typeof given === "string" && WELL_FORMED.test(given) ? given : fallback();
}
