import { browser } from "wxt/browser";
import { createClipboardGuard } from "@/lib/clipboard/guard";
import { isOffscreenCopyMessage } from "@/lib/clipboard/offscreen-messages";
import { textareaClipboardAccess } from "@/lib/clipboard/textarea-access";

// Chromium only: copies for the service worker and keeps the timer that clears the clipboard.
const guard = createClipboardGuard(textareaClipboardAccess());

browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse: (reply: unknown) => void) => {
  // Only this extension's background asks to copy; no other sender gets the clipboard.
  if (sender.id !== browser.runtime.id || !isOffscreenCopyMessage(message)) return undefined;
  guard.copy(message.text, message.clearAfterMs).then(
    () => sendResponse({ ok: true }),
    (error: Error) => sendResponse({ ok: false, error: error.message }),
  );
  return true;
});
