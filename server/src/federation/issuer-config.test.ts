import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config";

const ISSUER = { issuer: "https://login.example.com/", audience: "https://keys.example.com/graphql" };

function configWith(env: Record<string, string>) {
  return loadConfig({ NODE_ENV: "test", ...env }, { dotenv: false });
}

function problemsWith(issuers: unknown) {
  try {
    configWith({ AUTH_ISSUERS: JSON.stringify(issuers) });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("AUTH_ISSUERS", () => {
  it("reads an issuer with the documented defaults", () => {
    const { federation } = configWith({ AUTH_ISSUERS: JSON.stringify([ISSUER]) });
    expect(federation).toEqual({
      trustedIssuers: [
        {
          ...ISSUER,
          algorithms: ["RS256", "PS256", "ES256", "EdDSA", "Ed25519"],
          claims: { subject: "sub", email: "email", name: "name" },
          linkVerifiedEmail: false,
        },
      ],
      jwksCooldownMs: 10_000,
      passwordSignUp: true,
      passwordSignIn: true,
    });
  });

  it("refuses none and HMAC algorithms, saying why", () => {
    const message = problemsWith([{ ...ISSUER, algorithms: ["none", "HS256", "RS256"] }]);
    expect(message).toContain('AUTH_ISSUERS: 0.algorithms.0: "none" is never accepted');
    expect(message).toContain('AUTH_ISSUERS: 0.algorithms.1: "HS256" is refused: HMAC would take the issuer\'s public key');
  });

  it("lists every problem at once: a bad URL, a missing audience, an unknown field", () => {
    const message = problemsWith([{ issuer: "ftp://login.example.com" }, { ...ISSUER, claim: {} }]);
    expect(message).toContain("AUTH_ISSUERS: 0.issuer: must be an http:// or https:// URL");
    expect(message).toContain("AUTH_ISSUERS: 0.audience: ");
    expect(message).toContain("AUTH_ISSUERS: 1: Unrecognized key(s) in object: 'claim'");
  });

  it("refuses an issuer listed twice", () => {
    expect(problemsWith([ISSUER, ISSUER])).toContain('AUTH_ISSUERS: 1.issuer: "https://login.example.com/" is listed twice');
  });

  it("refuses JSON that does not parse", () => {
    expect(() => configWith({ AUTH_ISSUERS: "[{" })).toThrow(/AUTH_ISSUERS: is not valid JSON/);
  });

  it("reads AUTH_ISSUERS_FILE, and refuses it together with AUTH_ISSUERS", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "latchkey-issuers-"));
    try {
      const file = path.join(directory, "issuers.json");
      await writeFile(file, JSON.stringify([{ ...ISSUER, claims: { memberships: "tenants" } }]));
      expect(configWith({ AUTH_ISSUERS_FILE: file }).federation.trustedIssuers[0]?.claims.memberships).toBe("tenants");
      expect(() => configWith({ AUTH_ISSUERS_FILE: file, AUTH_ISSUERS: "[]" })).toThrow(/not both/);
      expect(() => configWith({ AUTH_ISSUERS_FILE: path.join(directory, "missing.json") })).toThrow(/cannot read .*ENOENT/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("reads the console's client ID and scopes, and refuses an empty client ID", () => {
    const console = { ...ISSUER, consoleClientId: "latchkey-console", consoleScope: "openid email latchkey" };
    expect(configWith({ AUTH_ISSUERS: JSON.stringify([console]) }).federation.trustedIssuers[0]).toMatchObject({
      consoleClientId: "latchkey-console",
      consoleScope: "openid email latchkey",
    });
    expect(problemsWith([{ ...ISSUER, consoleClientId: "" }])).toContain("AUTH_ISSUERS: 0.consoleClientId: ");
  });

  it("reads the password switches", () => {
    expect(configWith({ PASSWORD_SIGNUP: "false", PASSWORD_SIGNIN: "false" }).federation).toMatchObject({
      passwordSignUp: false,
      passwordSignIn: false,
    });
    expect(() => configWith({ PASSWORD_SIGNUP: "no" })).toThrow(/PASSWORD_SIGNUP/);
  });
});
