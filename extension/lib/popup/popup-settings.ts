import { storage } from "wxt/utils/storage";

/**
 * How long the popup waits for an answer before it says the server is not answering and offers
 * Retry. A stopped server accepts connections and never answers, so waiting longer only hides it.
 * @default 15
 */
export const requestTimeoutSecondsItem = storage.defineItem<number>("local:popupRequestTimeoutSeconds", { fallback: 15 });

/**
 * How long a revealed secret stays on screen before it hides itself (Hide hides it sooner).
 * @default 30
 */
export const revealHideSecondsItem = storage.defineItem<number>("local:popupRevealHideSeconds", { fallback: 30 });

/** One stated reason covers revealing and copying the same key for this long, in this popup. */
export const REASON_REMEMBERED_MS = 5 * 60 * 1000;
