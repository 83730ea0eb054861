/**
 * Endpoints that anyone may call without a credential read JSON bodies only. A web page can make a
 * visitor's browser send a cross-origin POST with a "simple" content type (`text/plain`, a form)
 * without asking; `application/json` needs a CORS preflight, which Latchkey grants only to the
 * origins in `CORS_ORIGINS`, and only on the paths a frontend calls (see cors.ts).
 */
export const NOT_JSON_MESSAGE = "Send the body as JSON, with `content-type: application/json`.";

/** `application/json`, in any case, with or without parameters such as `charset`. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  if (header === "application/json") return true; // the usual case, without allocating
  const semicolon = header.indexOf(";");
  return (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase() === "application/json";
}
