import { storage } from "wxt/utils/storage";
import { FailureCode, LatchkeyFailure } from "../failures";

/** Long enough to search and pick a key; short enough that a forgotten palette grants nothing. */
export const PALETTE_TICKET_LIFETIME_MS = 5 * 60 * 1000;

/**
 * What one opening of the palette may do: search, then get one secret, from the frame it was
 * opened in. Only the background issues tickets, on the user's shortcut or context-menu click.
 */
export interface PaletteTicket {
  tabId: number;
  frameId: number;
  /** Chromium names the document, so a navigation in the same frame does not inherit the ticket. */
  documentId?: string;
  expiresAt: number;
}

/** The parts of a content script's message sender that the browser fills in (the page cannot). */
export interface PaletteSender {
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

  /** The sender's live ticket, or a refusal; binds the document on first use if the opening could not name it. */
  const find = (tickets: Record<string, PaletteTicket>, sender: PaletteSender): [string, PaletteTicket] => {
    const tabId = sender.tab?.id;
    const key = tabId === undefined ? undefined : slot(tabId, sender.frameId ?? 0);
    const ticket = key === undefined ? undefined : tickets[key];
    if (key === undefined || !ticket) throw new LatchkeyFailure(FailureCode.PALETTE_CLOSED);
    if (ticket.documentId && sender.documentId !== ticket.documentId) throw new LatchkeyFailure(FailureCode.PALETTE_CLOSED);
    if (!ticket.documentId && sender.documentId) ticket.documentId = sender.documentId;
    return [key, ticket];
  };

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
    /** Searching needs a live ticket but does not use it up. */
    admit: (sender: PaletteSender) =>
      update((tickets) => {
        find(tickets, sender);
      }),
    /** One secret per opening: the ticket is gone once taken (see `restore` for a reveal that fails). */
    take: (sender: PaletteSender) =>
      update((tickets) => {
        const [key, ticket] = find(tickets, sender);
        delete tickets[key];
        return ticket;
      }),
    /** A reveal that failed handed out no secret, so the palette may try another key. */
    restore: (ticket: PaletteTicket) =>
      update((tickets) => {
        const key = slot(ticket.tabId, ticket.frameId);
        if (!tickets[key] && ticket.expiresAt > now()) tickets[key] = ticket;
      }),
    /** The palette closed: its ticket is of no more use to anyone. */
    cancel: (sender: PaletteSender) =>
      update((tickets) => {
        try {
          delete tickets[find(tickets, sender)[0]];
        } catch {
          // Nothing to cancel: already used, expired, or never issued.
        }
      }),
  };
}
