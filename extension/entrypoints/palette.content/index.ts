import { browser } from "wxt/browser";
import { defineContentScript } from "wxt/utils/define-content-script";
import { PALETTE_FRAME_PATH, sendToBackground } from "@/lib/messaging";
import { fieldAtOpening, fillField } from "@/lib/palette/field";
import { isPaletteHostMessage, type PaletteFrameHello, type PaletteHostReply } from "@/lib/palette/host-messages";
import { partForField } from "@/lib/palette/key-parts";

const PALETTE_TAG = "latchkey-palette";

/** The frame's box over the page; the palette inside is the extension's own page. */
const HOST_CSS = `
  :host { all: initial; }
  iframe {
    position: fixed; top: 12vh; left: 50%; transform: translateX(-50%); z-index: 2147483647;
    width: min(520px, 92vw); height: min(440px, 80vh); border: 0; border-radius: 10px;
    box-shadow: 0 20px 60px rgba(15, 23, 42, 0.35); color-scheme: normal;
  }`;

/** Content scripts of one extension share a world per frame: the previous opening's closer, if any. */
const world = globalThis as typeof globalThis & { latchkeyClosePalette?: () => void };

export default defineContentScript({
  // Injected by the background on the shortcut or the context menu, never into every page.
  registration: "runtime",
  cssInjectionMode: "manual",
  // WXT would otherwise announce each start to the page with postMessage(…, "*"): that names the
  // extension's ID to any page script, and lets the page close the palette by replaying it.
  noScriptStartedPostMessage: true,
  async main() {
    // Opened again while open: the background has replaced the ticket, so the old palette just goes.
    world.latchkeyClosePalette?.();
    const field = fieldAtOpening(PALETTE_TAG);
    const hint =
      field instanceof HTMLInputElement
        ? partForField({
            type: field.type,
            name: field.name,
            id: field.id,
            autocomplete: field.autocomplete,
            label: field.labels?.[0]?.textContent ?? "",
          })
        : null;
    const { openingId } = await sendToBackground("openPaletteFrame", { hasField: field !== undefined, partHint: hint });

    const host = document.createElement(PALETTE_TAG);
    // Closed: page scripts cannot reach the frame element (nor learn the extension's address from it).
    const shadow = host.attachShadow({ mode: "closed" });
    const style = document.createElement("style");
    style.textContent = HOST_CSS;
    const frame = document.createElement("iframe");
    frame.title = "Latchkey keys";
    frame.src = browser.runtime.getURL(PALETTE_FRAME_PATH as "/palette-frame.html");
    shadow.append(style, frame);

    let closed = false;
    const close = (tellBackground: boolean) => {
      if (closed) return;
      closed = true;
      world.latchkeyClosePalette = undefined;
      host.remove();
      removeEventListener("pointerdown", clickOutside, true);
      browser.runtime.onMessage.removeListener(listener);
      // Gives the ticket back: a closed palette can no longer search or get a secret.
      if (tellBackground) void sendToBackground("closePalette").catch(() => undefined);
      field?.focus();
    };
    // Clicks in the palette land in its frame; any click the page sees is outside it.
    const clickOutside = () => close(true);
    const listener = (message: unknown, _sender: unknown, sendResponse: (reply: PaletteHostReply) => void) => {
      if (!isPaletteHostMessage(message) || message.openingId !== openingId) return undefined;
      if (message.type === "close") {
        close(false);
        return undefined;
      }
      // The one secret the user chose goes into the field and nowhere else.
      const filled = field?.isConnected === true;
      if (field && filled) fillField(field, message.text);
      sendResponse({ filled });
      if (filled) close(false);
      return undefined;
    };
    browser.runtime.onMessage.addListener(listener);
    world.latchkeyClosePalette = () => close(false);
    addEventListener("pointerdown", clickOutside, true);

    frame.addEventListener("load", () => {
      const hello: PaletteFrameHello = { latchkeyPaletteOpening: openingId };
      // To the extension's origin only: the page cannot read it, nor a frame the page put there.
      frame.contentWindow?.postMessage(hello, new URL(frame.src).origin);
      frame.focus();
    });
    document.documentElement.append(host);
  },
});
