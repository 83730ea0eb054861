import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Browser } from "wxt/browser";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { FailureCode, LatchkeyFailure } from "./failures";
import { type Handlers, handleBackgroundRequests, type MessageSender, senderKind, sendToBackground } from "./messaging";

const status = { serverUrl: "http://127.0.0.1:4000", signedIn: null, clipboardClearSeconds: 30 };

/** Handlers that answer the few requests a test makes and fail loudly on any other. */
function handlers(overrides: Partial<Handlers>): Handlers {
  return new Proxy(overrides as Handlers, {
    get: (target, name: keyof Handlers) => target[name] ?? (() => Promise.reject(new Error(`unexpected ${String(name)}`))),
  });
}

/** The sender the browser reports for the popup: this extension's ID and its own URL. */
const popup = () => ({ id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL("/popup.html") });
/** The palette's content script: this extension's ID, but a web page's tab and URL. */
const contentScript = { tab: { id: 7 }, frameId: 0, url: "https://provider.example/settings" };

describe("messaging between extension surfaces and the background", () => {
  beforeEach(() => {
    fakeBrowser.reset();
    // The fake browser sends with an empty sender; a real one names the popup as the sender.
    vi.spyOn(fakeBrowser.runtime, "sendMessage").mockImplementation(async (message: unknown) =>
      (await fakeBrowser.runtime.onMessage.trigger(message, popup() as Browser.runtime.MessageSender)).find(Boolean),
    );
  });

  it("answers a request with the handler's value", async () => {
    handleBackgroundRequests(handlers({ getStatus: async () => status }));
    expect(await sendToBackground("getStatus")).toEqual(status);
  });

  it("brings a failure back as the same code and message, since errors do not cross messaging", async () => {
    handleBackgroundRequests(
      handlers({
        revealSecret: async () => {
          throw new LatchkeyFailure(FailureCode.REVEAL_NOT_ALLOWED, "This secret was shown once.");
        },
      }),
    );
    const failure = await sendToBackground("revealSecret", { keyId: "k1", reason: "debugging" }).catch((error) => error);
    expect(failure).toBeInstanceOf(LatchkeyFailure);
    expect(failure).toMatchObject({ code: FailureCode.REVEAL_NOT_ALLOWED, message: "This secret was shown once." });
  });

  it("hides unexpected errors' details behind UNEXPECTED", async () => {
    handleBackgroundRequests(
      handlers({
        listOrganizations: async () => {
          throw new Error("internal detail with a token abc123");
        },
      }),
    );
    const failure = await sendToBackground("listOrganizations").catch((error) => error);
    expect(failure).toMatchObject({ code: FailureCode.UNEXPECTED });
    expect(failure.message).not.toContain("abc123");
  });

  it("refuses a web page's content script anything but the palette's requests", async () => {
    let signedOut = false;
    const found = [
      {
        id: "k1",
        name: "CRM sync",
        kind: "SECRET" as const,
        maskedSecret: "lk_sk_…1k1a",
        publicId: null,
        organizationName: "Acme",
        locationName: null,
      },
    ];
    handleBackgroundRequests(
      handlers({
        searchPaletteKeys: async () => found,
        signOut: async () => {
          signedOut = true;
          return { ...status, revokedOnServer: true };
        },
      }),
    );
    // A content script's sender carries the page's tab and URL (the fake needs only these fields).
    const page = { ...contentScript, id: fakeBrowser.runtime.id } as Browser.runtime.MessageSender;
    const [fromPageSignOut] = await fakeBrowser.runtime.onMessage.trigger({ to: "background", type: "signOut" }, page);
    expect(fromPageSignOut).toMatchObject({ ok: false, failure: { code: FailureCode.PERMISSION_DENIED } });
    expect(signedOut).toBe(false);
    const [fromPageStatus] = await fakeBrowser.runtime.onMessage.trigger({ to: "background", type: "getStatus" }, page);
    expect(fromPageStatus).toMatchObject({ ok: false, failure: { code: FailureCode.PERMISSION_DENIED } });
    const [fromPageSearch] = await fakeBrowser.runtime.onMessage.trigger(
      { to: "background", type: "searchPaletteKeys", params: { search: "crm" } },
      page,
    );
    expect(fromPageSearch).toEqual({ ok: true, value: found });
  });

  it("trusts only this extension's own senders: its pages by their URL, its content scripts by their tab", () => {
    const id = fakeBrowser.runtime.id;
    expect(senderKind(popup())).toBe("extensionPage");
    expect(senderKind({ id, tab: { id: 1 }, url: fakeBrowser.runtime.getURL("/popup.html") })).toBe("extensionPage");
    expect(senderKind({ ...contentScript, id })).toBe("contentScript");
    const strangers: MessageSender[] = [
      {},
      { id },
      { id: "another-extension", url: "chrome-extension://another-extension/popup.html" },
      { id: "another-extension", ...contentScript },
      // Another extension's URL that merely starts like ours must not pass as ours.
      { id, url: `chrome-extension://${id}-evil/popup.html` },
    ];
    for (const stranger of strangers) expect(senderKind(stranger), JSON.stringify(stranger)).toBeNull();
  });

  it("answers nothing to a sender that is not this extension", async () => {
    let asked = false;
    handleBackgroundRequests(
      handlers({
        getStatus: async () => {
          asked = true;
          return status;
        },
      }),
    );
    const foreign = { id: "another-extension", url: "chrome-extension://another-extension/popup.html" } as Browser.runtime.MessageSender;
    for (const sender of [foreign, {} as Browser.runtime.MessageSender]) {
      const [reply] = await fakeBrowser.runtime.onMessage.trigger({ to: "background", type: "getStatus" }, sender);
      expect(reply).toMatchObject({ ok: false, failure: { code: FailureCode.PERMISSION_DENIED } });
    }
    expect(asked).toBe(false);
  });

  it("ignores messages meant for the offscreen document", async () => {
    handleBackgroundRequests(handlers({}));
    const replies = await fakeBrowser.runtime.onMessage.trigger({ to: "offscreen", type: "copy", text: "x", clearAfterMs: 0 }, popup());
    expect(replies).toEqual([undefined]);
  });
});
