import { browser } from "wxt/browser";
import type { PaletteTickets } from "./palette-tickets";

/** Where WXT writes the palette content script (registered at runtime, not in the manifest). */
export const PALETTE_SCRIPT = "/content-scripts/palette.js";

/** The top frame, where the shortcut opens the palette. */
const TOP_FRAME = 0;

/**
 * Opens the palette in a tab's frame by injecting its content script. The script is injected only
 * when asked (shortcut or context menu, which grant `activeTab`), so the extension does not run in
 * every page; a second injection in the same frame just reopens the palette.
 *
 * The ticket is issued before the injection, since the palette searches as soon as it runs; it is
 * then tied to the document the injection reports (Chromium names it; Firefox does not).
 */
export async function openPalette(tickets: PaletteTickets, tabId: number, frameId = TOP_FRAME): Promise<void> {
  await tickets.issue(tabId, frameId);
  const injected = await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: [PALETTE_SCRIPT] });
  const documentId: string | undefined = injected[0]?.documentId;
  if (documentId) await tickets.bindDocument(tabId, frameId, documentId);
}

export const PALETTE_COMMAND = "open-palette";
export const PALETTE_MENU_ID = "latchkey-insert-key";
