import { sendToBackground } from "../messaging";
import { isPaletteFrameHello } from "./host-messages";
import { mountPalette } from "./palette";

/**
 * The palette's frame: waits for its host (the content script in the page) to hand it the opening's
 * ID, attaches to that opening in the background, then draws the palette. Key presses here stay in
 * this extension page; the page around it hears none of them.
 */
export function mountPaletteFrame(container: HTMLElement): void {
  let attached = false;
  const hello = async (event: MessageEvent) => {
    // Only the parent can be the host; the ID is worthless to anyone who has not got the ticket.
    if (attached || event.source !== window.parent || !isPaletteFrameHello(event.data)) return;
    attached = true;
    window.removeEventListener("message", hello);
    const close = () => void sendToBackground("closePalette").catch(() => undefined);
    try {
      const opening = await sendToBackground("attachPaletteFrame", { openingId: event.data.latchkeyPaletteOpening });
      const palette = mountPalette(container, {
        opening,
        search: (search) => sendToBackground("searchPaletteKeys", { search }),
        insert: async (key, part, reason) => {
          await sendToBackground("insertIntoPage", { keyId: key.id, part, reason });
        },
        copy: (key, part, reason) => sendToBackground("copyFromPalette", { keyId: key.id, part, reason }),
        close,
      });
      palette.focus();
    } catch {
      // Expired, or opened again elsewhere: say so. Without a ticket the background will not tell the
      // host anything for this frame, so a click outside (which the host hears) closes it.
      const note = document.createElement("p");
      note.className = "status failure";
      note.setAttribute("role", "alert");
      note.textContent = "This palette has closed or expired. Click outside it, then open it again.";
      container.replaceChildren(note);
    }
  };
  window.addEventListener("message", (event) => void hello(event));
}
