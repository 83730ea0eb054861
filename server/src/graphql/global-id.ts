/**
 * Relay global object IDs: an opaque base64url of `Type:uuid`, so clients can refetch any object
 * through `node(id:)` without knowing which table it lives in.
 */
export function toGlobalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}:${id}`, "utf8").toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Decodes a global ID; returns null for anything malformed so callers answer "not found". Only the
 * exact form `toGlobalId` writes is accepted: Node's base64 decoding skips whitespace, padding and
 * junk characters, and a second spelling of an ID is a way around anything keyed by the ID's text.
 */
export function fromGlobalId(globalId: string): { typeName: string; id: string } | null {
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  if (Buffer.from(decoded, "utf8").toString("base64url") !== globalId) return null;
  const separator = decoded.indexOf(":");
  if (separator <= 0) return null;
  const typeName = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  return UUID.test(id) ? { typeName, id } : null;
}

/** The database ID behind a global ID of the expected type, or null. */
export function idOfType(globalId: string, typeName: string): string | null {
  const parsed = fromGlobalId(globalId);
  return parsed && parsed.typeName === typeName ? parsed.id : null;
}
