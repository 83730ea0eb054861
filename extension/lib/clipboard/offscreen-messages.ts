/** The one request the background sends to the offscreen document (Chromium only). */
export interface OffscreenCopyMessage {
  to: "offscreen";
  type: "copy";
  text: string;
  clearAfterMs: number;
}

export function isOffscreenCopyMessage(message: unknown): message is OffscreenCopyMessage {
  return typeof message === "object" && message !== null && (message as OffscreenCopyMessage).to === "offscreen";
}
