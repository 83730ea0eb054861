import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { createHandlers } from "@/lib/background/handlers";
import { ensureHostPermission } from "@/lib/background/host-permission";
import { openPalette, PALETTE_COMMAND, PALETTE_MENU_ID } from "@/lib/background/palette-launcher";
import { createPaletteTickets } from "@/lib/background/palette-tickets";
import { createBackgroundClipboard } from "@/lib/clipboard/background-clipboard";
import { createExpiryWatch } from "@/lib/expiry/watch";
import { handleBackgroundRequests } from "@/lib/messaging";
import { restrictStorageToExtensionPages } from "@/lib/storage";

const BADGE_REFRESH_ALARM = "latchkey-badge-refresh";

export default defineBackground(() => {
  restrictStorageToExtensionPages().catch((error: unknown) => {
    // Not fatal (the extension still works), but the token would then be readable by content scripts.
    console.error("Latchkey: could not restrict storage.local to extension pages", error);
  });
  const clipboard = createBackgroundClipboard();
  const expiryWatch = createExpiryWatch();
  const paletteTickets = createPaletteTickets();

  handleBackgroundRequests(
    createHandlers({ copy: clipboard.copy, credentialChanged: expiryWatch.start, ensureHostPermission, paletteTickets }),
  );

  // Subscriptions and the badge restart with the worker, so the count is right from start-up.
  void expiryWatch.start();
  // Keys cross the 7-day line as time passes, without any event: recount every hour. Catch up on
  // warnings too, and reopen the socket if a start could not.
  void browser.alarms.create(BADGE_REFRESH_ALARM, { periodInMinutes: 60 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === BADGE_REFRESH_ALARM) void expiryWatch.refresh();
  });

  browser.runtime.onInstalled.addListener(() => {
    browser.contextMenus.create({ id: PALETTE_MENU_ID, title: "Fill a Latchkey key…", contexts: ["editable"] });
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === PALETTE_MENU_ID && tab?.id !== undefined) void openPalette(paletteTickets, tab.id, info.frameId);
  });
  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== PALETTE_COMMAND) return;
    void (async () => {
      const tabId = tab?.id ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;
      if (tabId !== undefined) await openPalette(paletteTickets, tabId);
    })();
  });
});
