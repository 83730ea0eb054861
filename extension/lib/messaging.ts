import { browser } from "wxt/browser";
import { type Failure, FailureCode, LatchkeyFailure, toFailure } from "./failures";
import { type BackgroundProtocol, PAGE_FACING_REQUESTS, type Params, type RequestType, type Result } from "./protocol";

/** Messages carry their destination, since extension pages and the offscreen document hear each other's too. */
interface BackgroundMessage<T extends RequestType = RequestType> {
  to: "background";
  type: T;
  params: Params<T>;
}

type Reply<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** What the browser says about a message's sender; a page cannot forge any of it. */
export interface MessageSender {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
  documentId?: string;
}

/**
 * Extension pages (popup, options, even opened in a tab) may ask anything; content scripts and the
 * palette's frame only the palette's requests.
 */
export type SenderKind = "extensionPage" | "contentScript" | "paletteFrame";

/** The palette's frame: an extension page, but web-accessible, so any page could embed it. */
export const PALETTE_FRAME_PATH = "/palette-frame.html";

export interface RequestSender extends MessageSender {
  kind: SenderKind;
}

export type Handlers = {
  [T in RequestType]: (params: Params<T>, sender: RequestSender) => Promise<Result<T>>;
};

/** Asks the background; a failure there is rethrown here as the same `LatchkeyFailure`. */
export async function sendToBackground<T extends RequestType>(
  type: T,
  ...[params]: Params<T> extends undefined ? [] : [Params<T>]
): Promise<Result<T>> {
  const message: BackgroundMessage<T> = { to: "background", type, params: params as Params<T> };
  const reply = (await browser.runtime.sendMessage(message)) as Reply<Result<T>> | undefined;
  if (!reply) throw new LatchkeyFailure(FailureCode.UNEXPECTED, "The extension's background did not answer.");
  if (!reply.ok) throw new LatchkeyFailure(reply.failure.code, reply.failure.message);
  return reply.value;
}

/**
 * An allowlist: only this extension's own senders count. Extension pages have the extension's own
 * URL; a content script is ours too, but runs in a web page's tab with that page's URL. Anything
 * else (another extension, a sender without a tab or URL) gets nothing.
 */
export function senderKind(sender: MessageSender): SenderKind | null {
  if (sender.id !== browser.runtime.id) return null;
  if (sender.url?.startsWith(browser.runtime.getURL(""))) {
    return new URL(sender.url).pathname === PALETTE_FRAME_PATH ? "paletteFrame" : "extensionPage";
  }
  if (sender.tab?.id !== undefined) return "contentScript";
  return null;
}

const refusal = (message: string): Reply<never> => ({ ok: false, failure: { code: FailureCode.PERMISSION_DENIED, message } });

/** Answers `BackgroundProtocol` requests in the background; returns a function that stops listening. */
export function handleBackgroundRequests(handlers: Handlers): () => void {
  const answer = async (message: BackgroundMessage, sender: MessageSender): Promise<Reply<unknown>> => {
    const kind = senderKind(sender);
    if (!kind) return refusal("Only this extension may ask for this.");
    if (kind !== "extensionPage" && !PAGE_FACING_REQUESTS.has(message.type)) return refusal("Web pages cannot ask for this.");
    const handler = Object.hasOwn(handlers, message.type)
      ? (handlers[message.type] as (params: unknown, sender: RequestSender) => Promise<unknown>)
      : undefined;
    if (!handler) return { ok: false, failure: { code: FailureCode.UNEXPECTED, message: `Unknown request ${message.type}` } };
    try {
      return { ok: true, value: await handler(message.params, { ...sender, kind }) };
    } catch (error) {
      return { ok: false, failure: toFailure(error) };
    }
  };
  const listener = (message: unknown, sender: MessageSender, sendResponse?: (reply: unknown) => void) => {
    if (!isBackgroundMessage(message)) return undefined;
    const reply = answer(message, sender ?? {});
    // Chromium wants sendResponse and `true`; promise-style runtimes (Firefox, the fake browser) take the promise.
    if (typeof sendResponse === "function") {
      void reply.then(sendResponse);
      return true;
    }
    return reply;
  };
  browser.runtime.onMessage.addListener(listener as Parameters<typeof browser.runtime.onMessage.addListener>[0]);
  return () => browser.runtime.onMessage.removeListener(listener as Parameters<typeof browser.runtime.onMessage.removeListener>[0]);
}

function isBackgroundMessage(message: unknown): message is BackgroundMessage {
  return typeof message === "object" && message !== null && (message as BackgroundMessage).to === "background";
}

export type { BackgroundProtocol };
