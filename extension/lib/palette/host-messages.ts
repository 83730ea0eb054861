/**
 * What the background tells the palette's content script (the host, in the page's frame). Sent with
 * `tabs.sendMessage` to that one frame, never by `postMessage`, which the page would hear: the
 * secret goes from the background straight into the host's isolated world, then into the field.
 */
export type PaletteHostCommand = { type: "fill"; text: string } | { type: "close" };

export type PaletteHostMessage = PaletteHostCommand & { to: "paletteHost"; openingId: string };

/** The host's answer to `fill`: whether the field was still there to take the text. */
export interface PaletteHostReply {
  filled: boolean;
}

export function isPaletteHostMessage(message: unknown): message is PaletteHostMessage {
  return typeof message === "object" && message !== null && (message as PaletteHostMessage).to === "paletteHost";
}

/** What the host hands the palette's frame (by `postMessage` to the extension's origin only). */
export interface PaletteFrameHello {
  latchkeyPaletteOpening: string;
}

export function isPaletteFrameHello(data: unknown): data is PaletteFrameHello {
  return typeof data === "object" && data !== null && typeof (data as PaletteFrameHello).latchkeyPaletteOpening === "string";
}
