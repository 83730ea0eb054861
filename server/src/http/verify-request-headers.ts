/** The request headers the verify endpoint reads, as Node's `request.headers` would give them. */
export interface VerifyRequestHeaders {
  contentType: string | undefined;
  requestId: string | undefined;
  origin: string | undefined;
}

/**
 * Reads the three headers verify needs from `rawHeaders` (`[name, value, …]`) in one pass. Node
 * builds `request.headers` on first use, an object of every header with each name lower-cased,
 * which costs a verify more than these comparisons; the answers are the same: a repeated
 * `Content-Type` keeps its first value (Node discards the others), repeated `X-Request-Id` or
 * `Origin` values are joined with ", " (as Node joins them), so neither passes as well formed or listed.
 */
export function verifyRequestHeaders(rawHeaders: readonly string[]): VerifyRequestHeaders {
  const found: VerifyRequestHeaders = { contentType: undefined, requestId: undefined, origin: undefined };
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    // Lengths first: most headers are none of these, and need no lower-cased copy.
    if (name.length === 12) {
      const lower = name.toLowerCase();
      if (lower === "content-type") found.contentType ??= rawHeaders[index + 1];
      else if (lower === "x-request-id") found.requestId = joined(found.requestId, rawHeaders[index + 1]);
    } else if (name.length === 6 && name.toLowerCase() === "origin") {
      found.origin = joined(found.origin, rawHeaders[index + 1]);
    }
  }
  return found;
}

const joined = (earlier: string | undefined, value: string | undefined) => (earlier === undefined ? value : `${earlier}, ${value}`);
