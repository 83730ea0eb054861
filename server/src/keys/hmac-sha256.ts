import { hash } from "node:crypto";

/** SHA-256 works in blocks of 64 bytes; HMAC pads its key to one block. */
const BLOCK = 64;
/** Messages up to this many UTF-8 bytes are hashed in a buffer kept for the purpose; longer ones in a new one. */
export const LONGEST_PRESET_MESSAGE = 1024;

/**
 * HMAC-SHA256 (RFC 2104) under a fixed key, as two one-shot SHA-256 hashes:
 *
 *   HMAC(K, m) = SHA-256((K' ⊕ opad) ‖ SHA-256((K' ⊕ ipad) ‖ m))
 *
 * where K' is the key, or its SHA-256 when longer than a block, zero-padded to a block. The digests
 * are exactly `createHmac("sha256", key)`'s, so stored digests need no migration; but `createHmac`
 * builds a stream object and imports the key on every call, which costs about twice the hashing
 * itself (see "Verify and the cost of hashing" in the README). The padded key halves are derived
 * once, like any HMAC implementation's precomputed state, and the message is wiped from the buffer
 * as soon as it is hashed: no secret stays behind.
 */
export function hmacSha256Hex(key: Buffer): (message: string) => string {
  const padded = Buffer.alloc(BLOCK);
  (key.length > BLOCK ? hash("sha256", key, "buffer") : key).copy(padded);
  const inner = Buffer.alloc(BLOCK + LONGEST_PRESET_MESSAGE);
  const outer = Buffer.alloc(BLOCK + 32);
  for (let index = 0; index < BLOCK; index++) {
    inner[index] = (padded[index] ?? 0) ^ 0x36;
    outer[index] = (padded[index] ?? 0) ^ 0x5c;
  }
  padded.fill(0);

  return (message) => {
    const length = Buffer.byteLength(message);
    let buffer = inner;
    if (length > LONGEST_PRESET_MESSAGE) {
      buffer = Buffer.alloc(BLOCK + length);
      inner.copy(buffer, 0, 0, BLOCK);
    }
    buffer.write(message, BLOCK, "utf8");
    // "binary" is latin1: one character per byte, the cheapest way back into `outer`.
    const innerDigest = hash("sha256", buffer.subarray(0, BLOCK + length), "binary");
    buffer.fill(0, BLOCK, BLOCK + length);
    outer.write(innerDigest, BLOCK, "binary");
    return hash("sha256", outer, "hex");
  };
}
