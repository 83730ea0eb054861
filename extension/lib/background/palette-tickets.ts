import { storage } from "wxt/utils/storage";
import { FailureCode, LatchkeyFailure } from "../failures";
import type { PaletteOpening } from "../protocol";

/** Long enough to search and pick a key; short enough that a forgotten palette grants nothing. */
export const PALETTE_TICKET_LIFETIME_MS = 5 * 60 * 1000;

/**
 * What one opening of the palette may do: search, then get one secret into the frame it was opened
 * in. Only the background issues tickets, on the user's shortcut or context-menu click.
 *
 * Two senders share a ticket. The content script in the page's frame (the host) asks for the
 * palette's frame and fills the field; the palette's frame, an extension page drawn over the page so
 * that the page hears none of its key presses, searches and chooses. The frame proves it is the one
 * the host made by presenting the opening's ID, which the host hands it by `postMessage` to the
 * extension's origin alone (a page cannot read it, and needs it to attach a frame of its own).
 */
export interface PaletteTicket {
  tabId: number;
  /** The host: the frame the palette was opened in, where the field is. */
  frameId: number;
  /** Chromium names the document, so a navigation in the same frame does not inherit the ticket. */
  documentId?: string;
  expiresAt: number;
  /** Set when the host asks for the palette's frame; messages to the host carry it too. */
  openingId?: string;
  opening?: PaletteOpening;
  /** The palette's frame, once attached: the only sender that may search and take the secret. */
  paletteFrame?: { frameId: number; documentId?: string };
  /** The public half of each key the palette was shown (null for SECRET keys). */
  offered?: Record<string, string | null>;
  /** Set once the secret was handed out: the ticket then only lets the palette close. */
  spent?: boolean;
}

/** The parts of a message sender that the browser fills in (the page cannot), and which of ours it is. */
export interface PaletteSender {
  kind?: string;
  tab?: { id?: number };
  frameId?: number;
  documentId?: string;
}

/**
 * Session storage, so a ticket survives the service worker being stopped while the palette is open,
 * and is gone with the browser session. Content scripts cannot read it (its default access level).
 */
const ticketsItem = storage.defineItem<Record<string, PaletteTicket>>("session:paletteTickets", { fallback: {} });

const slot = (tabId: number, frameId: number) => `${tabId}/${frameId}`;

const closed = () => new LatchkeyFailure(FailureCode.PALETTE_CLOSED);

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export type PaletteTickets = ReturnType<typeof createPaletteTickets>;

export function createPaletteTickets(now: () => number = Date.now) {
  let queue: Promise<unknown> = Promise.resolve();
  /** Ticket changes run one at a time, so two requests cannot both take the same ticket. */
  const update = <T>(change: (tickets: Record<string, PaletteTicket>) => T): Promise<T> => {
    const next = queue.then(async () => {
      const all = await ticketsItem.getValue();
      const tickets = Object.fromEntries(Object.entries(all).filter(([, ticket]) => ticket.expiresAt > now()));
      const result = change(tickets);
      await ticketsItem.setValue(tickets);
      return result;
    });
    queue = next.catch(() => undefined);
    return next;
  };

  /** The host's live ticket, or a refusal; binds the document on first use if the opening could not name it. */
  const findForHost = (tickets: Record<string, PaletteTicket>, sender: PaletteSender): [string, PaletteTicket] => {
    const tabId = sender.tab?.id;
    const key = tabId === undefined || sender.kind === "paletteFrame" ? undefined : slot(tabId, sender.frameId ?? 0);
    const ticket = key === undefined ? undefined : tickets[key];
    if (key === undefined || !ticket) throw closed();
    if (ticket.documentId && sender.documentId !== ticket.documentId) throw closed();
    if (!ticket.documentId && sender.documentId) ticket.documentId = sender.documentId;
    return [key, ticket];
  };

  /** The live ticket whose palette frame is the sender; a spent one only when closing. */
  const findForFrame = (tickets: Record<string, PaletteTicket>, sender: PaletteSender, closing = false): [string, PaletteTicket] => {
    if (sender.kind !== "paletteFrame" || sender.tab?.id === undefined) throw closed();
    const found = Object.entries(tickets).find(([, ticket]) => {
      const frame = ticket.paletteFrame;
      if (!frame || ticket.tabId !== sender.tab?.id || frame.frameId !== sender.frameId) return false;
      return !frame.documentId || frame.documentId === sender.documentId;
    });
    if (!found || (found[1].spent && !closing)) throw closed();
    return found;
  };

  /** Whoever sends: the palette's frame finds its ticket by frame, the host by its own frame. */
  const find = (tickets: Record<string, PaletteTicket>, sender: PaletteSender) =>
    sender.kind === "paletteFrame" ? findForFrame(tickets, sender, true) : findForHost(tickets, sender);

  return {
    /** Called as the palette is injected; a new opening in the same frame replaces the old ticket. */
    issue: (tabId: number, frameId: number) =>
      update((tickets) => {
        tickets[slot(tabId, frameId)] = { tabId, frameId, expiresAt: now() + PALETTE_TICKET_LIFETIME_MS };
      }),
    /** Ties the ticket to the document the script was injected into, once the injection names it. */
    bindDocument: (tabId: number, frameId: number, documentId: string) =>
      update((tickets) => {
        const ticket = tickets[slot(tabId, frameId)];
        if (!ticket) return;
        if (!ticket.documentId) ticket.documentId = documentId;
        else if (ticket.documentId !== documentId) delete tickets[slot(tabId, frameId)];
      }),
    /** The host asks for the palette's frame: returns the ID the frame must present to attach. */
    startOpening: (sender: PaletteSender, opening: PaletteOpening) =>
      update((tickets) => {
        const [, ticket] = findForHost(tickets, sender);
        if (ticket.paletteFrame) throw closed();
        ticket.openingId = randomId();
        ticket.opening = opening;
        return ticket.openingId;
      }),
    /** The palette's frame attaches, once, with the ID its host handed it. */
    attach: (sender: PaletteSender, openingId: string) =>
      update((tickets) => {
        if (sender.kind !== "paletteFrame" || sender.tab?.id === undefined) throw closed();
        const ticket = Object.values(tickets).find(
          (candidate) => candidate.tabId === sender.tab?.id && candidate.openingId === openingId && !candidate.paletteFrame,
        );
        if (!ticket?.opening || sender.frameId === undefined) throw closed();
        ticket.paletteFrame = { frameId: sender.frameId, documentId: sender.documentId };
        return ticket.opening;
      }),
    /** Searching needs the palette frame's live ticket but does not use it up; returns a copy. */
    admit: (sender: PaletteSender) => update((tickets) => ({ ...findForFrame(tickets, sender)[1] })),
    /** Remembers the keys the palette was shown, with their public halves, for inserting those. */
    offer: (sender: PaletteSender, keys: readonly { id: string; publicId: string | null }[]) =>
      update((tickets) => {
        const [, ticket] = findForFrame(tickets, sender);
        ticket.offered = { ...ticket.offered, ...Object.fromEntries(keys.map((key) => [key.id, key.publicId])) };
      }),
    /** One secret per opening: the ticket is spent once taken (see `restore` for a reveal that fails). */
    take: (sender: PaletteSender) =>
      update((tickets) => {
        const [, ticket] = findForFrame(tickets, sender);
        ticket.spent = true;
        return { ...ticket };
      }),
    /** A reveal that failed handed out no secret, so the palette may try another key. */
    restore: (taken: PaletteTicket) =>
      update((tickets) => {
        const ticket = tickets[slot(taken.tabId, taken.frameId)];
        if (ticket?.openingId === taken.openingId) ticket.spent = false;
      }),
    /** The palette closed: its ticket is of no more use to anyone. Returns it, to tell the host. */
    cancel: (sender: PaletteSender) =>
      update((tickets): PaletteTicket | undefined => {
        try {
          const [key, ticket] = find(tickets, sender);
          delete tickets[key];
          return ticket;
        } catch {
          // Nothing to cancel: already used, expired, or never issued.
          return undefined;
        }
      }),
  };
}
