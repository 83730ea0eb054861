import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import baseX from "base-x";

/**
 * Latchkey's key format:
 *
 *   lk_<kind>_<43 base62 characters: 256 random bits><6 base62 characters: CRC32 of what precedes>
 *
 * The readable prefix names the product and the credential kind, so secret scanners can spot a
 * leaked key and people can tell keys apart. The checksum lets anyone (the verify path, a scanner,
 * the leak-report endpoint) reject a mistyped or made-up string without touching the database.
 */

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const base62 = baseX(ALPHABET);

export enum SecretKind {
  SECRET = "sk",
  KEY_PAIR = "kp",
  BASIC = "bk",
  OAUTH_CLIENT = "cs",
  /** The host's backend provisioning organisations and users (see `platform/`); never an API key. */
  PLATFORM = "pf",
}

const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const PATTERN = /^lk_(sk|kp|bk|cs|pf)_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

function fixedBase62(bytes: Uint8Array, length: number): string {
  return base62.encode(bytes).padStart(length, "0");
}

/** The CRC32 of `head` as six base62 digits; a plain loop, as it runs on every verification. */
function checksum(head: string): string {
  let value = crc32(head);
  let text = "";
  for (let index = 0; index < CHECKSUM_LENGTH; index++) {
    text = ALPHABET[value % 62] + text;
    value = Math.floor(value / 62);
  }
  return text;
}

/** A new secret of the given kind: 256 bits from the CSPRNG, base62, with its checksum. */
export function newSecret(kind: SecretKind): string {
  let body = fixedBase62(randomBytes(32), BODY_LENGTH);
  // 2^256 needs 43 base62 digits at most; the rare shorter encodings are padded above.
  body = body.slice(-BODY_LENGTH);
  const head = `lk_${kind}_${body}`;
  return head + checksum(head);
}

export type SecretCheck = { ok: true; kind: SecretKind } | { ok: false; reason: "MALFORMED" | "BAD_CHECKSUM" };

/** Checks shape and checksum only; no I/O. */
export function checkSecret(candidate: string): SecretCheck {
  const match = PATTERN.exec(candidate);
  if (!match) return { ok: false, reason: "MALFORMED" };
  const head = `lk_${match[1]}_${match[2]}`;
  if (checksum(head) !== match[3]) return { ok: false, reason: "BAD_CHECKSUM" };
  return { ok: true, kind: match[1] as SecretKind };
}

/** The public half of a pair (access key ID, Basic username, OAuth client ID): not secret, but unguessable. */
export function newPublicId(prefix: "lkak" | "lkbu" | "lkci"): string {
  return `${prefix}_${fixedBase62(randomBytes(16), 22)}`;
}

/** What lists and logs show instead of a secret: its prefix and last four characters. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 6)}…${secret.slice(-4)}`;
}
