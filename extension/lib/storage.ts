import { browser } from "wxt/browser";
import { storage } from "wxt/utils/storage";

/**
 * How the extension authenticates. A session token comes from email + password sign-in and is
 * revoked on sign-out; an API key secret is for headless setups and is simply forgotten.
 */
export interface StoredCredential {
  kind: "session" | "apiKey";
  secret: string;
  /** Who signed in, for display (the API key's mapped user for keys). */
  email: string;
}

/**
 * `local:` extension storage is out of reach of web pages (unlike `localStorage`), and only
 * extension pages and the background read these items: content scripts ask the background instead.
 */
export const serverUrlItem = storage.defineItem<string>("local:serverUrl", { fallback: "http://127.0.0.1:4000" });
export const credentialItem = storage.defineItem<StoredCredential | null>("local:credential", { fallback: null });

export const DEFAULT_CLIPBOARD_CLEAR_SECONDS = 30;
/** Seconds after which a copied secret is cleared from the clipboard if still there; 0 keeps it. */
export const clipboardClearSecondsItem = storage.defineItem<number>("local:clipboardClearSeconds", {
  fallback: DEFAULT_CLIPBOARD_CLEAR_SECONDS,
});

/**
 * Chromium lets content scripts read `storage.local` by default; the palette's content script has no
 * need for it, so only extension pages and the background may (a compromised page renderer then
 * cannot read the token either). The Chromium build requires Chrome 140, where this arrived. Firefox
 * has no such switch (content scripts there can read `storage.local`); the palette never reads it.
 */
export async function restrictStorageToExtensionPages(): Promise<void> {
  const local = browser.storage.local as { setAccessLevel?: (options: { accessLevel: string }) => Promise<void> };
  await local.setAccessLevel?.({ accessLevel: "TRUSTED_CONTEXTS" });
}
