import { beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "wxt/browser";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { FailureCode } from "../failures";
import { handleBackgroundRequests } from "../messaging";
import { createHandlers } from "./handlers";
import { createPaletteTickets, PALETTE_TICKET_LIFETIME_MS } from "./palette-tickets";

/** The palette's content script (its host) in tab 7's top frame, and the palette's own frame there. */
const host = { kind: "contentScript", tab: { id: 7 }, frameId: 0, documentId: "doc-a" };
const frame = { kind: "paletteFrame", tab: { id: 7 }, frameId: 5, documentId: "frame-doc" };
const opening = { hasField: true, partHint: null, defaultReason: "Fill into provider.example" };

describe("the palette's tickets: one opening, one frame, one secret", () => {
  let clock: number;
  let tickets: ReturnType<typeof createPaletteTickets>;
  /** Opens the palette as the background, its host and its frame do, in that order. */
  const open = async () => {
    await tickets.issue(7, 0);
    const openingId = await tickets.startOpening(host, opening);
    await tickets.attach(frame, openingId);
    return openingId;
  };

  beforeEach(() => {
    fakeBrowser.reset();
    clock = 1_000_000;
    tickets = createPaletteTickets(() => clock);
  });

  it("refuses a palette that was never opened", async () => {
    await expect(tickets.startOpening(host, opening)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.admit(frame)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.take(frame)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });

  it("lets only the attached palette frame search: not its host, another tab, another frame or another document", async () => {
    await open();
    await expect(tickets.admit(frame)).resolves.toMatchObject({ tabId: 7, opening });
    for (const stranger of [host, { ...frame, tab: { id: 8 } }, { ...frame, frameId: 6 }, { ...frame, documentId: "other" }]) {
      await expect(tickets.admit(stranger), JSON.stringify(stranger)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
      await expect(tickets.take(stranger), JSON.stringify(stranger)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    }
  });

  it("attaches one frame, and only with the opening's ID from its host", async () => {
    await tickets.issue(7, 0);
    const openingId = await tickets.startOpening(host, opening);
    await expect(tickets.attach(frame, "guessed")).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.attach({ ...frame, kind: "contentScript" }, openingId)).rejects.toMatchObject({
      code: FailureCode.PALETTE_CLOSED,
    });
    await expect(tickets.attach({ ...frame, tab: { id: 8 } }, openingId)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.attach(frame, openingId)).resolves.toEqual(opening);
    await expect(tickets.attach({ ...frame, frameId: 6 }, openingId)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });

  it("hands out one secret per opening, and still lets the spent palette close", async () => {
    await open();
    await expect(tickets.take(frame)).resolves.toMatchObject({ tabId: 7, frameId: 0 });
    await expect(tickets.take(frame)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.admit(frame)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.cancel(frame)).resolves.toMatchObject({ tabId: 7, frameId: 0 });
    await expect(tickets.cancel(frame)).resolves.toBeUndefined();
  });

  it("gives the secret back to a reveal that failed", async () => {
    await open();
    const taken = await tickets.take(frame);
    await tickets.restore(taken);
    await expect(tickets.take(frame)).resolves.toMatchObject({ tabId: 7 });
  });

  it("lets only one of two simultaneous reveals through", async () => {
    await open();
    const results = await Promise.allSettled([tickets.take(frame), tickets.take(frame)]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
  });

  it("expires, so a palette left open grants nothing later", async () => {
    await open();
    clock += PALETTE_TICKET_LIFETIME_MS;
    await expect(tickets.admit(frame)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
    await expect(tickets.take(frame)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });

  it("is cancelled when the palette closes, from its frame or its host", async () => {
    await open();
    await tickets.cancel(host);
    await expect(tickets.take(frame)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });

  it("is dropped when the injection reports a different document than the one that used it", async () => {
    await tickets.issue(7, 0);
    await tickets.startOpening({ ...host, documentId: "doc-b" }, opening);
    await tickets.bindDocument(7, 0, "doc-a");
    await expect(tickets.startOpening(host, opening)).rejects.toMatchObject({ code: FailureCode.PALETTE_CLOSED });
  });
});

describe("the background's palette requests", () => {
  const contentScript = { id: fakeBrowser.runtime.id, url: "https://provider.example/settings", tab: { id: 7 }, frameId: 0 };
  const paletteFrame = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL("/palette-frame.html"), tab: { id: 7 }, frameId: 5 };
  let tickets: ReturnType<typeof createPaletteTickets>;
  const ask = async (type: string, sender: object, params: object = { keyId: "k1", part: "secret", reason: "Fill", search: "" }) => {
    const [reply] = await fakeBrowser.runtime.onMessage.trigger(
      { to: "background", type, params },
      sender as Browser.runtime.MessageSender,
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

  it("refuses the palette's search, insert and copy without a ticket", async () => {
    await tickets.issue(8, 0);
    for (const type of ["searchPaletteKeys", "insertIntoPage", "copyFromPalette"]) {
      expect(await ask(type, paletteFrame)).toMatchObject({ ok: false, failure: { code: FailureCode.PALETTE_CLOSED } });
    }
  });

  it("opens the frame for the host's ticket, lets a ticketed reveal through, and keeps the ticket when it hands out nothing", async () => {
    await tickets.issue(7, 0);
    const opened = (await ask("openPaletteFrame", contentScript, { hasField: true, partHint: null })) as { value: { openingId: string } };
    expect(await ask("attachPaletteFrame", paletteFrame, { openingId: opened.value.openingId })).toEqual({
      ok: true,
      value: { hasField: true, partHint: null, defaultReason: "Fill into provider.example" },
    });
    // Signed out here, so the reveal itself fails after passing the ticket check.
    expect(await ask("insertIntoPage", paletteFrame)).toMatchObject({ ok: false, failure: { code: FailureCode.NOT_SIGNED_IN } });
    expect(await ask("copyFromPalette", paletteFrame)).toMatchObject({ ok: false, failure: { code: FailureCode.NOT_SIGNED_IN } });
  });

  it("keeps the palette's frame to the palette's requests, though it is an extension page", async () => {
    for (const type of ["signOut", "getStatus", "copySecret", "revealSecret", "listKeys"]) {
      expect(await ask(type, paletteFrame)).toMatchObject({ ok: false, failure: { code: FailureCode.PERMISSION_DENIED } });
    }
  });

  it("needs no ticket for the popup's own copy", async () => {
    const popup = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL("/popup.html") };
    expect(await ask("copySecret", popup)).toMatchObject({ ok: false, failure: { code: FailureCode.NOT_SIGNED_IN } });
  });
});
