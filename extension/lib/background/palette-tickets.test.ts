import { beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "wxt/browser";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { FailureCode } from "../failures";
import { handleBackgroundRequests } from "../messaging";
import { createHandlers } from "./handlers";
import { createPaletteTickets, PALETTE_TICKET_LIFETIME_MS } from "./palette-tickets";

/** The palette's content script in tab 7's top frame, as the browser names it. */
const palette = { tab: { id: 7 }, frameId: 0, documentId: "doc-a" };

describe("the palette's tickets: one opening, one frame, one secret", () => {
  let clock: number;
  let tickets: ReturnType<typeof createPaletteTickets>;

  beforeEach(() => {
    fakeBrowser.reset();
    clock = 1_000_000;
    tickets = createPaletteTickets(() => clock);
  });

  it("refuses a palette that was never opened", async () => {
    await expect(tickets.admit(palette)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.take(palette)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });

  it("lets the opened frame search, but not another tab, another frame or another document", async () => {
    await tickets.issue(7, 0);
    await tickets.bindDocument(7, 0, "doc-a");
    await expect(tickets.admit(palette)).resolves.toBeUndefined();
    await expect(tickets.admit({ ...palette, tab: { id: 8 } })).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.admit({ ...palette, frameId: 3 })).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.admit({ ...palette, documentId: "doc-b" })).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.take({ ...palette, tab: { id: 8 } })).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });

  it("hands out one secret per opening", async () => {
    await tickets.issue(7, 0);
    await expect(tickets.take(palette)).resolves.toMatchObject({ tabId: 7, frameId: 0, documentId: "doc-a" });
    await expect(tickets.take(palette)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.admit(palette)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });

  it("lets only one of two simultaneous reveals through", async () => {
    await tickets.issue(7, 0);
    const results = await Promise.allSettled([tickets.take(palette), tickets.take(palette)]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
  });

  it("expires, so a palette left open grants nothing later", async () => {
    await tickets.issue(7, 0);
    clock += PALETTE_TICKET_LIFETIME_MS;
    await expect(tickets.admit(palette)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.take(palette)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });

  it("is cancelled when the palette closes", async () => {
    await tickets.issue(7, 0);
    await tickets.cancel(palette);
    await expect(tickets.take(palette)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });

  it("is dropped when the injection reports a different document than the one that used it", async () => {
    await tickets.issue(7, 0);
    await tickets.admit({ ...palette, documentId: "doc-b" });
    await tickets.bindDocument(7, 0, "doc-a");
    await expect(tickets.admit(palette)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });
});

describe("the background's palette requests", () => {
  const contentScript = (sender: object) =>
    ({ id: fakeBrowser.runtime.id, url: "https://provider.example/settings", ...sender }) as Browser.runtime.MessageSender;
  let tickets: ReturnType<typeof createPaletteTickets>;
  const ask = async (type: string, sender: Browser.runtime.MessageSender) => {
    const [reply] = await fakeBrowser.runtime.onMessage.trigger(
      { to: "background", type, params: { keyId: "k1", reason: "Fill", search: "" } },
      sender,
    );
    return reply;
  };

  beforeEach(() => {
    fakeBrowser.reset();
    tickets = createPaletteTickets();
    handleBackgroundRequests(
      createHandlers({
        copy: async () => undefined,
        credentialChanged: async () => undefined,
        ensureHostPermission: async () => undefined,
        paletteTickets: tickets,
      }),
    );
  });

  it("refuses a content script's search, reveal and copy without a ticket for its frame", async () => {
    await tickets.issue(7, 0);
    for (const type of ["searchPaletteKeys", "revealForInsertion", "copySecret"]) {
      expect(await ask(type, contentScript({ tab: { id: 8 }, frameId: 0 }))).toMatchObject({
        ok: false,
        failure: { code: FailureCode.PALETTE_CLOSED },
      });
    }
  });

  it("lets a ticketed reveal through, and keeps the ticket when the reveal hands out no secret", async () => {
    await tickets.issue(7, 0);
    // Signed out here, so the reveal itself fails after passing the ticket check.
    const first = await ask("revealForInsertion", contentScript({ tab: { id: 7 }, frameId: 0 }));
    expect(first).toMatchObject({ ok: false, failure: { code: FailureCode.NOT_SIGNED_IN } });
    const second = await ask("copySecret", contentScript({ tab: { id: 7 }, frameId: 0 }));
    expect(second).toMatchObject({ ok: false, failure: { code: FailureCode.NOT_SIGNED_IN } });
  });

  it("needs no ticket for the popup's own copy", async () => {
    const popup = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL("/popup.html") } as Browser.runtime.MessageSender;
    expect(await ask("copySecret", popup)).toMatchObject({ ok: false, failure: { code: FailureCode.NOT_SIGNED_IN } });
  });
});
