import { registerEnumType } from "type-graphql";
import { KeyKind, KeyState } from "./key-enums";
import { VerifyCode } from "./key-verifier";

// The keys' enums (VerifyCode is declared in key-verifier.ts) as the schema names and describes them.
// Registered here rather than beside the enums: the verify listener's thread uses the enums and must
// not load type-graphql (see verify-thread.ts). The schema (graphql/schema.ts) imports this before it
// is built.

registerEnumType(KeyKind, {
  name: "KeyKind",
  description: "How a key is presented. One model covers every credential style.",
  valuesConfig: {
    SECRET: { description: "A single bearer secret: `Authorization: Bearer lk_sk_…`." },
    KEY_PAIR: { description: "An access key ID and a secret key, sent as `accessKey` and `secretKey` headers." },
    BASIC: { description: "A username and key for HTTP Basic authentication." },
    OAUTH_CLIENT: { description: "A client ID and secret for the OAuth 2.0 client-credentials grant. The secret is shown once." },
  },
});

registerEnumType(KeyState, {
  name: "KeyState",
  description: "Only ACTIVE keys authenticate.",
  valuesConfig: {
    PENDING: { description: "Waiting for an admin's approval." },
    ACTIVE: { description: "In use." },
    DISABLED: { description: "Switched off; can be switched back on." },
    REVOKED: { description: "Permanently withdrawn." },
    EXPIRED: { description: "Past its expiry time." },
  },
});

registerEnumType(VerifyCode, { name: "VerifyCode", description: "The outcome of verifying a key." });
