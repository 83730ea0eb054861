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
/** `lk_`, the kind and `_`, then the body: what the checksum covers. */
const HEAD_LENGTH = 6 + BODY_LENGTH;
/** Every secret's length: what the verify path may hash before looking closer (see KeyVerifier). */
export const SECRET_LENGTH = HEAD_LENGTH + CHECKSUM_LENGTH;
/** The whole shape: the prefix, then 43 + 6 base62 characters (body and checksum). */
const PATTERN = /^lk_(?:sk|kp|bk|cs|pf)_[0-9A-Za-z]{49}$/;
/** Each base62 character's value by character code; -1 elsewhere. */
const DIGIT_VALUE = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index++) DIGIT_VALUE[ALPHABET.charCodeAt(index)] = index;

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

/** The answers, made once: checkSecret runs on every verification. */
const WELL_FORMED: Record<string, SecretCheck> = Object.fromEntries(
  Object.values(SecretKind).map((kind) => [kind, Object.freeze({ ok: true, kind })]),
);
const MALFORMED: SecretCheck = Object.freeze({ ok: false, reason: "MALFORMED" });
const BAD_CHECKSUM: SecretCheck = Object.freeze({ ok: false, reason: "BAD_CHECKSUM" });

/**
 * Checks shape and checksum only; no I/O. The checksum is compared as a number, read from the
 * candidate's last six characters (the shape check has made them base62), not written out again.
 */
export function checkSecret(candidate: string): SecretCheck {
  if (!PATTERN.test(candidate)) return MALFORMED;
  let written = 0;
  for (let index = HEAD_LENGTH; index < HEAD_LENGTH + CHECKSUM_LENGTH; index++) {
    written = written * 62 + (DIGIT_VALUE[candidate.charCodeAt(index)] ?? 0);
  }
  if (crc32(candidate.slice(0, HEAD_LENGTH)) !== written) return BAD_CHECKSUM;
  return WELL_FORMED[candidate.slice(3, 5)] ?? MALFORMED;
}

/** The public half of a pair (access key ID, Basic username, OAuth client ID): not secret, but unguessable. */
export function newPublicId(prefix: "lkak" | "lkbu" | "lkci"): string {
  return `${prefix}_${fixedBase62(randomBytes(16), 22)}`;
}

/** What lists and logs show instead of a secret: its prefix and last four characters. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 6)}…${secret.slice(-4)}`;
}
