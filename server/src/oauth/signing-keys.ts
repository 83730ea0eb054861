import { createECDH, createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from "node:crypto";
import { exportJWK, type JWK } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

const P256_ORDER = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

/**
 * The ES256 key that signs OAuth access tokens, derived from a master key with HKDF. Every instance
 * sharing the master key signs with the same key and publishes the same JWKS, with no key store to
 * keep in step; rotating the master key rotates the signing key, and the previous one stays in the
 * JWKS for tokens still in flight.
 */
export async function deriveSigningKey(masterKey: Buffer): Promise<SigningKey> {
  for (let counter = 0; ; counter++) {
    const scalar = Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), `latchkey oauth es256 ${counter}`, 32));
    const value = BigInt(`0x${scalar.toString("hex")}`);
    if (value === 0n || value >= P256_ORDER) continue; // happens with probability ~2^-32
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(scalar);
    const point = ecdh.getPublicKey();
    const jwk = {
      kty: "EC",
      crv: "P-256",
      d: scalar.toString("base64url"),
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33, 65).toString("base64url"),
    };
    const privateKey = createPrivateKey({ key: jwk, format: "jwk" });
    const kid = createHash("sha256").update(point).digest("base64url").slice(0, 16);
    const publicJwk = { ...(await exportJWK(createPublicKey(privateKey))), kid, alg: "ES256", use: "sig" };
    return { kid, privateKey, publicJwk };
  }
}
