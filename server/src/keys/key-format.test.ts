import { describe, expect, it } from "vitest";
import { checkSecret, newSecret, SecretKind } from "./key-format";

const swapAt = (text: string, index: number) => text.slice(0, index) + (text[index] === "A" ? "B" : "A") + text.slice(index + 1);

describe("checking a key's shape and checksum", () => {
  it("accepts every fresh secret as its own kind", () => {
    for (const kind of Object.values(SecretKind)) {
      for (let count = 0; count < 200; count++) expect(checkSecret(newSecret(kind))).toEqual({ ok: true, kind });
    }
  });

  it("refuses any single mistyped character of the body or the checksum as BAD_CHECKSUM", () => {
    const secret = newSecret(SecretKind.SECRET);
    for (let index = 6; index < secret.length; index++) {
      expect(checkSecret(swapAt(secret, index)), `character ${index}`).toEqual({ ok: false, reason: "BAD_CHECKSUM" });
    }
    // Six base62 digits can spell numbers beyond 32 bits; no CRC32 is written that way.
    expect(checkSecret(`${secret.slice(0, -6)}zzzzzz`)).toEqual({ ok: false, reason: "BAD_CHECKSUM" });
  });

  it("refuses anything of another shape as MALFORMED", () => {
    const secret = newSecret(SecretKind.KEY_PAIR);
    for (const candidate of [
      "",
      secret.slice(0, -1),
      `${secret}A`,
      secret.replace("lk_kp_", "lk_xx_"),
      secret.replace("lk_kp_", "LK_kp_"),
      `${secret.slice(0, 20)}-${secret.slice(21)}`,
      `${secret.slice(0, 20)}é${secret.slice(21)}`,
      ` ${secret.slice(1)}`,
    ]) {
      expect(checkSecret(candidate), candidate).toEqual({ ok: false, reason: "MALFORMED" });
    }
  });
});
