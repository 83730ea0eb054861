import { describe, expect, it } from "vitest";
import { type ConsoleConfig, consoleContentSecurityPolicy, consolePage } from "./console";
import { tokenEndpointOrigin } from "./console-provider-origins";

const PROVIDER = {
  issuer: "https://login.example.com/tenant",
  clientId: "console",
  audience: "https://keys.example.com",
  audienceParameter: "resource" as const,
  scope: "openid",
};
const WITH_PROVIDER: ConsoleConfig = { passwordSignIn: false, passwordSignUp: false, identityProviders: [PROVIDER] };

describe("the console page", () => {
  it("keeps its JSON config inert: a value cannot close the script element it sits in", () => {
    const hostile: ConsoleConfig = {
      ...WITH_PROVIDER,
      identityProviders: [{ ...PROVIDER, clientId: "</script><script>alert(1)</script>" }],
    };
    const page = consolePage(hostile);
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    const json = /id="latchkey-console-config">(.*?)<\/script>/s.exec(page)?.[1] ?? "";
    expect(JSON.parse(json).identityProviders[0].clientId).toBe("</script><script>alert(1)</script>");
  });

  it("lets the page reach only this server and the providers' origins, and run scripts from this server only", () => {
    const policy = consoleContentSecurityPolicy(WITH_PROVIDER);
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self' https://login.example.com;");
    expect(policy).not.toContain("unsafe-eval");
    expect(consoleContentSecurityPolicy({ ...WITH_PROVIDER, identityProviders: [] })).toContain("connect-src 'self';");
    // A token endpoint on the issuer's own origin is named once; one elsewhere is added.
    expect(consoleContentSecurityPolicy(WITH_PROVIDER, ["https://login.example.com"])).toContain(
      "connect-src 'self' https://login.example.com;",
    );
    expect(consoleContentSecurityPolicy(WITH_PROVIDER, ["https://oauth2.example.net"])).toContain(
      "connect-src 'self' https://login.example.com https://oauth2.example.net;",
    );
  });

  it("takes a provider's token endpoint into the policy only as a plain origin, https unless the issuer itself is http", () => {
    const issuer = "https://accounts.example.com";
    expect(tokenEndpointOrigin(issuer, "https://oauth2.example.net/token")).toBe("https://oauth2.example.net");
    expect(tokenEndpointOrigin(issuer, "https://oauth2.example.net:8443/token")).toBe("https://oauth2.example.net:8443");
    expect(tokenEndpointOrigin(issuer, "https://[2001:db8::1]/token")).toBe("https://[2001:db8::1]");
    // Characters a URL's origin keeps but a policy must not: they would end the directive or the policy.
    for (const hostile of ["https://a;b.example/token", "https://a,b.example/token", "https://a'b.example/token"])
      expect(tokenEndpointOrigin(issuer, hostile), hostile).toBeNull();
    expect(tokenEndpointOrigin(issuer, "http://oauth2.example.net/token")).toBeNull();
    expect(tokenEndpointOrigin("http://127.0.0.1:9000", "http://localhost:9000/token")).toBe("http://localhost:9000");
    for (const junk of [undefined, 42, "not a url", "javascript:alert(1)"]) expect(tokenEndpointOrigin(issuer, junk)).toBeNull();
  });
});
