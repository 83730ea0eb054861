import { hash, randomBytes } from "node:crypto";

const PREFIX = "lk_session_";

/** A new session token: 256 random bits with a recognisable prefix (so scanners can spot leaks). */
export function newSessionToken(): string {
  return PREFIX + randomBytes(32).toString("base64url");
}

/**
 * What the database stores and looks up. High-entropy tokens need no slow hash. One-shot `hash`,
 * not `createHash`: it runs on every session request, and a Hash object costs as much as the hashing.
 */
export function hashSessionToken(token: string): string {
  return hash("sha256", token, "hex");
}

export function looksLikeSessionToken(token: string): boolean {
  return token.startsWith(PREFIX) && token.length === PREFIX.length + 43;
}
