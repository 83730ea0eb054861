import { browser } from "wxt/browser";

/** Where WXT writes the palette content script (registered at runtime, not in the manifest). */
export const PALETTE_SCRIPT = "/content-scripts/palette.js";

/**
 * Opens the palette in a tab's frame by injecting its content script. The script is injected only
 * when asked (shortcut or context menu, which grant `activeTab`), so the extension does not run in
 * every page; a second injection in the same frame just reopens the palette.
 */
export async function openPalette(tabId: number, frameId?: number): Promise<void> {
  await browser.scripting.executeScript({
    target: frameId === undefined ? { tabId } : { tabId, frameIds: [frameId] },
    files: [PALETTE_SCRIPT],
  });
}

export const PALETTE_COMMAND = "open-palette";
export const PALETTE_MENU_ID = "latchkey-insert-key";
