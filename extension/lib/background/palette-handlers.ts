import { browser } from "wxt/browser";
import { FailureCode, LatchkeyFailure } from "../failures";
import type { Handlers, RequestSender } from "../messaging";
import type { PaletteHostCommand, PaletteHostMessage, PaletteHostReply } from "../palette/host-messages";
import type { CredentialPart } from "../protocol";
import * as keys from "./key-actions";
import type { PaletteTicket, PaletteTickets } from "./palette-tickets";

type PaletteRequests =
  | "openPaletteFrame"
  | "attachPaletteFrame"
  | "searchPaletteKeys"
  | "insertIntoPage"
  | "copyFromPalette"
  | "closePalette";

export interface PaletteServices {
  paletteTickets: PaletteTickets;
  /** Copies to the clipboard, clearing it after the configured delay when `sensitive`. */
  copy(text: string, sensitive: boolean): Promise<{ clearsAfterSeconds: number }>;
}

/** Tells the palette's host frame (and only it) something; a closed tab or frame is not an error. */
async function tellHost(ticket: PaletteTicket, command: PaletteHostCommand): Promise<PaletteHostReply | undefined> {
  if (!ticket.openingId) return undefined;
  const full: PaletteHostMessage = { ...command, to: "paletteHost", openingId: ticket.openingId };
  return (await browser.tabs.sendMessage(ticket.tabId, full, { frameId: ticket.frameId }).catch(() => undefined)) as
    | PaletteHostReply
    | undefined;
}

/** The answers to the palette's requests: every one needs the opening's ticket (see palette-tickets.ts). */
export function createPaletteHandlers(services: PaletteServices): Pick<Handlers, PaletteRequests> {
  const tickets = services.paletteTickets;

  /** The chosen half of a key: the public one as the palette was shown it, or the secret, revealed for the reason. */
  const credentialPart = async (sender: RequestSender, keyId: string, part: CredentialPart, reason: string) => {
    if (part === "public") {
      const publicId = (await tickets.admit(sender)).offered?.[keyId];
      if (!publicId) throw new LatchkeyFailure(FailureCode.NOT_FOUND, "This key has no public ID; choose its secret.");
      return { text: publicId, sensitive: false };
    }
    // One secret per opening: the ticket is spent, unless the reveal fails and so handed out nothing.
    const ticket = await tickets.take(sender);
    try {
      return { text: await keys.revealSecret(keyId, reason), sensitive: true };
    } catch (error) {
      await tickets.restore(ticket);
      throw error;
    }
  };

  return {
    async openPaletteFrame({ hasField, partHint }, sender) {
      const host = sender.url ? new URL(sender.url).host : "";
      const openingId = await tickets.startOpening(sender, {
        hasField: hasField === true,
        partHint: partHint === "public" || partHint === "secret" ? partHint : null,
        defaultReason: `Fill into ${host || "a local page"}`,
      });
      return { openingId };
    },
    attachPaletteFrame: ({ openingId }, sender) => tickets.attach(sender, String(openingId)),
    async searchPaletteKeys({ search }, sender) {
      await tickets.admit(sender);
      const found = await keys.searchPaletteKeys(String(search));
      await tickets.offer(sender, found);
      return found;
    },
    async insertIntoPage({ keyId, part, reason }, sender) {
      const ticket = await tickets.admit(sender);
      if (!ticket.opening?.hasField) throw new LatchkeyFailure(FailureCode.NO_FIELD);
      const { text } = await credentialPart(sender, keyId, part, reason);
      const reply = await tellHost(ticket, { type: "fill", text });
      if (!reply?.filled) throw new LatchkeyFailure(FailureCode.NO_FIELD);
      // Filled: the host has closed the palette; its ticket goes too.
      await tickets.cancel(sender);
      return { inserted: true };
    },
    async copyFromPalette({ keyId, part, reason }, sender) {
      const { text, sensitive } = await credentialPart(sender, keyId, part, reason);
      return services.copy(text, sensitive);
    },
    async closePalette(_params, sender) {
      const ticket = await tickets.cancel(sender);
      // The frame cannot remove itself from the page: the host does, when the background says so.
      if (ticket && sender.kind === "paletteFrame") await tellHost(ticket, { type: "close" });
      return { closed: true };
    },
  };
}
