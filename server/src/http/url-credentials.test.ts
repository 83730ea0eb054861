import { describe, expect, it } from "vitest";
import { newSecret, SecretKind } from "../keys/key-format";
import { redactedUrl, urlCarriesCredentials } from "./url-credentials";

describe("urlCarriesCredentials", () => {
  it("finds credential parameters by name, whatever their case or separators", () => {
    for (const name of ["key", "Access_Token", "client-secret", "PASSWORD", "token", "apiKey"]) {
      expect(urlCarriesCredentials(`/graphql?${name}=x`), name).toBe(true);
    }
  });

  it("finds Latchkey secrets, session tokens and JWTs under any name, encoded or not", () => {
    const secret = newSecret(SecretKind.BASIC);
    expect(urlCarriesCredentials(`/x?anything=${secret}`)).toBe(true);
    expect(urlCarriesCredentials(`/x?variables=${encodeURIComponent(JSON.stringify({ s: secret }))}`)).toBe(true);
    expect(urlCarriesCredentials("/x?q=lk_session_abc")).toBe(true);
    expect(urlCarriesCredentials("/x?t=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJsa2NpX3gifQ.c2ln")).toBe(true);
  });

  it("lets ordinary query strings through", () => {
    expect(urlCarriesCredentials("/v1/keys/verify")).toBe(false);
    expect(urlCarriesCredentials("/v1/keys/verify?a=1")).toBe(false);
    expect(urlCarriesCredentials("/graphql?query=%7B%20viewer%20%7B%20id%20%7D%20%7D&operationName=Viewer")).toBe(false);
  });
});

describe("redactedUrl", () => {
  it("keeps the path and plain parameter names, and redacts every value and anything secret-shaped", () => {
    const secret = newSecret(SecretKind.SECRET);
    expect(redactedUrl("/graphql?query=%7Bx%7D&operationName=Viewer")).toBe("/graphql?query=[redacted]&operationName=[redacted]");
    expect(redactedUrl(`/v1/${secret}/x?${secret}=1`)).toBe("/v1/lk_sk_[redacted]/x?[redacted]=[redacted]");
    expect(redactedUrl("/healthz")).toBe("/healthz");
  });
});
