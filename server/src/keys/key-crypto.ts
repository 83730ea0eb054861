import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { hmacSha256Hex } from "./hmac-sha256";

/**
 * Secrets at rest. Lookup uses an HMAC-SHA256 digest under a server-side pepper: keys carry 256
 * random bits, so a slow password hash would only cost latency on every request, while the pepper
 * keeps a stolen table useless without the server's configuration. Revealable secrets are also
 * sealed with AES-256-GCM under the master key; the ciphertext names the master key it was sealed
 * with (by fingerprint), so the master key can be rotated and old rows re-sealed.
 */
export class KeyCrypto {
  private readonly current: { id: string; key: Buffer };
  private readonly byId: Map<string, Buffer>;
  private readonly peppered: (secret: string) => string;

  /** `masterKeys`: the current master key first, then previous ones that may still have sealed rows. */
  constructor(pepper: Buffer, masterKeys: Buffer[]) {
    if (pepper.length < 32) throw new Error("The key pepper must be at least 32 bytes.");
    const [current] = masterKeys;
    if (!current || masterKeys.some((key) => key.length !== 32)) throw new Error("Master keys must be 32 bytes each.");
    this.current = { id: fingerprint(current), key: current };
    this.byId = new Map(masterKeys.map((key) => [fingerprint(key), key]));
    this.peppered = hmacSha256Hex(pepper);
  }

  /** HMAC-SHA256 of the secret under the pepper, in hex: what `key_secrets.digest` holds. */
  digest(secret: string): string {
    return this.peppered(secret);
  }

  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return ["v1", this.current.id, iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
  }

  open(sealed: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split(":");
    const key = keyId === undefined ? undefined : this.byId.get(keyId);
    if (version !== "v1" || !key || iv === undefined || tag === undefined || ciphertext === undefined)
      throw new Error("Sealed with an unknown master key.");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
  }

  /** Whether a sealed value was sealed under an older master key and should be re-sealed. */
  isStale(sealed: string): boolean {
    return sealed.split(":")[1] !== this.current.id;
  }
}

function fingerprint(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}
