import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex, LONGEST_PRESET_MESSAGE } from "./hmac-sha256";
import { KeyCrypto } from "./key-crypto";
import { newSecret, SecretKind } from "./key-format";

const reference = (key: Buffer, message: string) => createHmac("sha256", key).update(message).digest("hex");

describe("HMAC-SHA256 from one-shot hashes", () => {
  it("gives the digests createHmac gives, so stored digests still match, for keys shorter and longer than a block", () => {
    for (const keyLength of [32, 63, 64, 65, 100, 200]) {
      const key = randomBytes(keyLength);
      const digest = hmacSha256Hex(key);
      const messages = [
        "",
        newSecret(SecretKind.SECRET),
        newSecret(SecretKind.OAUTH_CLIENT),
        "ünïcödé 🔑 secrets are UTF-8",
        "x".repeat(LONGEST_PRESET_MESSAGE),
        "x".repeat(LONGEST_PRESET_MESSAGE + 1),
        // A multi-byte character straddling the end of the preset buffer.
        `${"x".repeat(LONGEST_PRESET_MESSAGE - 1)}é`,
        "🔑".repeat(LONGEST_PRESET_MESSAGE),
      ];
      for (const message of messages) expect(digest(message), `key of ${keyLength} bytes`).toBe(reference(key, message));
    }
  });

  it("answers each message on its own: a long message leaves nothing behind for a short one", () => {
    const key = randomBytes(32);
    const digest = hmacSha256Hex(key);
    const secret = newSecret(SecretKind.SECRET);
    expect(digest(`${secret}${"y".repeat(500)}`)).toBe(reference(key, `${secret}${"y".repeat(500)}`));
    expect(digest(secret)).toBe(reference(key, secret));
    expect(digest("")).toBe(reference(key, ""));
  });

  it("is what KeyCrypto stores and looks keys up by: HMAC-SHA256 of the secret under the pepper, in hex", () => {
    const pepper = randomBytes(32);
    const secret = newSecret(SecretKind.KEY_PAIR);
    expect(new KeyCrypto(pepper, [randomBytes(32)]).digest(secret)).toBe(reference(pepper, secret));
  });
});
