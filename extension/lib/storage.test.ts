import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { readStatus } from "./background/handlers";
import { FailureCode } from "./failures";
import { currentConnection, parseServerUrl, signOut } from "./session";
import { clipboardClearSecondsItem, credentialItem, serverUrlItem } from "./storage";

describe("the credential in extension storage", () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it("starts signed out, pointing at a local server, clearing copies after 30 s", async () => {
    expect(await readStatus()).toEqual({ serverUrl: "http://127.0.0.1:4000", signedIn: null, clipboardClearSeconds: 30 });
    await expect(currentConnection()).rejects.toMatchObject({ code: FailureCode.NOT_SIGNED_IN });
  });

  it("keeps the token in extension-local storage, and never hands it out in the status pages see", async () => {
    await serverUrlItem.setValue("https://latchkey.example.com");
    await credentialItem.setValue({ kind: "session", secret: "session-token-abc", email: "claire@example.test" });
    expect(await fakeBrowser.storage.local.get("credential")).toEqual({
      credential: { kind: "session", secret: "session-token-abc", email: "claire@example.test" },
    });
    const status = await readStatus();
    expect(status.signedIn).toEqual({ email: "claire@example.test", kind: "session" });
    expect(JSON.stringify(status)).not.toContain("session-token-abc");
    expect(await currentConnection()).toEqual({ serverUrl: "https://latchkey.example.com", credential: "session-token-abc" });
  });

  it("forgets the token on sign-out even when the server cannot be reached to revoke it", async () => {
    // Port 9 (discard) on localhost: nothing answers, as with a server that is down.
    await serverUrlItem.setValue("http://127.0.0.1:9");
    await credentialItem.setValue({ kind: "session", secret: "session-token-abc", email: "claire@example.test" });
    expect(await signOut()).toEqual({ revokedOnServer: false });
    expect(await credentialItem.getValue()).toBeNull();
    expect(await fakeBrowser.storage.local.get("credential")).toEqual({});
  });

  it("remembers the clipboard delay the user chose", async () => {
    await clipboardClearSecondsItem.setValue(10);
    expect((await readStatus()).clipboardClearSeconds).toBe(10);
  });

  it("keeps only the scheme, host and port of the server address", () => {
    expect(parseServerUrl(" https://latchkey.example.com/graphql ")).toBe("https://latchkey.example.com");
    expect(() => parseServerUrl("latchkey.example.com")).toThrow(/server address/);
    expect(() => parseServerUrl("ftp://latchkey.example.com")).toThrow(/must start with https:\/\//);
  });

  it("accepts http:// only for a server on this computer, so the password and token never travel unencrypted", () => {
    expect(parseServerUrl("http://127.0.0.1:4000/")).toBe("http://127.0.0.1:4000");
    expect(parseServerUrl("http://localhost:4000")).toBe("http://localhost:4000");
    expect(parseServerUrl("http://[::1]:4000")).toBe("http://[::1]:4000");
    for (const remote of [
      "http://latchkey.example.com",
      "http://10.0.0.5:4000",
      "http://127.0.0.1.example.com",
      "http://localhost.example.com",
    ]) {
      expect(() => parseServerUrl(remote), remote).toThrow(/Use https:\/\/ for this server/);
    }
    expect(parseServerUrl("https://10.0.0.5:4000")).toBe("https://10.0.0.5:4000");
  });
});
