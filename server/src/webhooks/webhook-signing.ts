import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

const SECRET_PREFIX = "whsec_";

/** A new signing secret in the Standard Webhooks form: `whsec_` and 24 random bytes in base64. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString("base64");
}

/** Signs one message: the `webhook-signature` header for its id, timestamp and body. */
export type Signer = (messageId: string, timestamp: Date, body: string) => string;

/**
 * A signer for an endpoint's secrets: `v1,<base64 HMAC-SHA256 of id.timestamp.body>` for each,
 * space-delimited, so that during a rotation receivers holding either secret accept the message.
 * Signed by the official `standardwebhooks` library, so its verifiers accept it unchanged; the
 * secrets are decoded once per signer, and each message is signed once per secret.
 */
export function signerFor(secrets: string[]): Signer {
  const webhooks = secrets.map((secret) => new Webhook(secret));
  return (messageId, timestamp, body) => webhooks.map((webhook) => webhook.sign(messageId, timestamp, body)).join(" ");
}
