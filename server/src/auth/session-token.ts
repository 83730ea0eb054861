import { createHash, randomBytes } from "node:crypto";

const PREFIX = "lk_session_";

/** A new session token: 256 random bits with a recognisable prefix (so scanners can spot leaks). */
export function newSessionToken(): string {
  return PREFIX + randomBytes(32).toString("base64url");
}

/** What the database stores and looks up. High-entropy tokens need no slow hash. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function looksLikeSessionToken(token: string): boolean {
  return token.startsWith(PREFIX) && token.length === PREFIX.length + 43;
}
