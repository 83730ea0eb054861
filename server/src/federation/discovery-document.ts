/** The URL of an issuer's discovery document: under the issuer (OpenID Connect Discovery 1.0 §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

/**
 * An issuer's discovery document, read as every reader here reads it: JSON, no redirect followed,
 * within `timeoutMs`. Throws with the URL and status when it cannot be read; checking what it says
 * (its `issuer` first) is the caller's.
 */
export async function readDiscoveryDocument(issuer: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const url = discoveryUrl(issuer);
  const response = await fetch(url, { headers: { accept: "application/json" }, redirect: "error", signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const document: unknown = await response.json();
  if (!document || typeof document !== "object" || Array.isArray(document)) throw new Error(`${url} is not a JSON object`);
  return document as Record<string, unknown>;
}
