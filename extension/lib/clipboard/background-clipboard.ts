import { type Browser, browser } from "wxt/browser";
import { createClipboardGuard } from "./guard";
import type { OffscreenCopyMessage } from "./offscreen-messages";
import { textareaClipboardAccess } from "./textarea-access";

const OFFSCREEN_PATH = "/offscreen.html";

/**
 * Copies from the background. Chromium's service worker has no DOM, so the copy and the timed
 * clear run in an offscreen document, which outlives the worker's idle shutdowns. Firefox's
 * background is a page with a DOM and does both itself.
 */
export function createBackgroundClipboard() {
  const offscreen = (browser as Partial<typeof browser>).offscreen;
  if (!offscreen) {
    const guard = createClipboardGuard(textareaClipboardAccess());
    return { copy: (text: string, clearAfterMs: number) => guard.copy(text, clearAfterMs) };
  }
  let creating: Promise<void> | null = null;
  const ensureDocument = async () => {
    const contexts = await browser.runtime.getContexts({ contextTypes: ["OFFSCREEN_DOCUMENT" as Browser.runtime.ContextType] });
    if (contexts.length) return;
    creating ??= offscreen
      .createDocument({
        url: browser.runtime.getURL(OFFSCREEN_PATH),
        reasons: ["CLIPBOARD" as Browser.offscreen.Reason],
        justification: "Copy a key's secret and clear it from the clipboard after the configured delay",
      })
      .finally(() => {
        creating = null;
      });
    await creating;
  };
  return {
    async copy(text: string, clearAfterMs: number) {
      await ensureDocument();
      const message: OffscreenCopyMessage = { to: "offscreen", type: "copy", text, clearAfterMs };
      const reply = (await browser.runtime.sendMessage(message)) as { ok: boolean; error?: string } | undefined;
      if (!reply?.ok) throw new Error(reply?.error ?? "The offscreen document did not copy");
    },
  };
}
