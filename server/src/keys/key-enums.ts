import { registerEnumType } from "type-graphql";

export enum KeyKind {
  SECRET = "SECRET",
  KEY_PAIR = "KEY_PAIR",
  BASIC = "BASIC",
  OAUTH_CLIENT = "OAUTH_CLIENT",
}

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

export enum KeyState {
  PENDING = "PENDING",
  ACTIVE = "ACTIVE",
  DISABLED = "DISABLED",
  REVOKED = "REVOKED",
  EXPIRED = "EXPIRED",
}

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
