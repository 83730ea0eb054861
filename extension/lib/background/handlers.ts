import { FailureCode, LatchkeyFailure } from "../failures";
import { request } from "../graphql/client";
import { SignOut } from "../graphql/operations";
import type { Handlers } from "../messaging";
import type { Status } from "../protocol";
import { signInWithApiKey, signInWithPassword, signOut } from "../session";
import { clipboardClearSecondsItem, credentialItem, serverUrlItem } from "../storage";
import * as keys from "./key-actions";
import { createPaletteHandlers } from "./palette-handlers";
import type { PaletteTickets } from "./palette-tickets";

export interface BackgroundServices {
  /** Writes to the clipboard and clears it after `clearAfterMs` if it still holds the text. */
  copy(text: string, clearAfterMs: number): Promise<void>;
  /** Called after sign-in and sign-out, to restart the expiry watch. */
  credentialChanged(): Promise<void>;
  /** Asks for access to a server other than the local ones (optional host permission). */
  ensureHostPermission(serverUrl: string): Promise<void>;
  /** The tickets `openPalette` issues; a content script's palette requests need a live one. */
  paletteTickets: PaletteTickets;
}

export async function readStatus(): Promise<Status> {
  const [serverUrl, credential, clipboardClearSeconds] = await Promise.all([
    serverUrlItem.getValue(),
    credentialItem.getValue(),
    clipboardClearSecondsItem.getValue(),
  ]);
  return { serverUrl, signedIn: credential ? { email: credential.email, kind: credential.kind } : null, clipboardClearSeconds };
}

/** The session this browser holds now, if any: a new sign-in ends it on the server once it succeeds. */
async function currentSession(): Promise<{ serverUrl: string; token: string } | null> {
  const [serverUrl, credential] = await Promise.all([serverUrlItem.getValue(), credentialItem.getValue()]);
  return credential?.kind === "session" ? { serverUrl, token: credential.secret } : null;
}

/**
 * Ends a session the browser no longer uses, so a token left behind cannot be used by anyone. An
 * API key is not a session (it is simply forgotten), and a server that cannot be reached lets the
 * token run out on its own.
 */
async function endSession(session: { serverUrl: string; token: string } | null): Promise<void> {
  if (!session) return;
  await request({ serverUrl: session.serverUrl, credential: session.token }, SignOut, {}).catch(() => undefined);
}

/** The background's answers to every request, over the services it was given. */
export function createHandlers(services: BackgroundServices): Handlers {
  const copyWithClear = async (text: string) => {
    const seconds = await clipboardClearSecondsItem.getValue();
    await services.copy(text, seconds * 1000);
    return { clearsAfterSeconds: seconds };
  };
  const copyText = async (text: string, sensitive: boolean) => {
    if (sensitive) return copyWithClear(text);
    await services.copy(text, 0);
    return { clearsAfterSeconds: 0 };
  };
  return {
    ...createPaletteHandlers({ paletteTickets: services.paletteTickets, copy: copyText }),
    getStatus: readStatus,
    async signIn({ serverUrl, email, password }) {
      await services.ensureHostPermission(serverUrl);
      const previous = await currentSession();
      await signInWithPassword(serverUrl, email, password);
      await endSession(previous);
      await services.credentialChanged();
      return readStatus();
    },
    async signInWithApiKey({ serverUrl, apiKey }) {
      await services.ensureHostPermission(serverUrl);
      const previous = await currentSession();
      await signInWithApiKey(serverUrl, apiKey);
      await endSession(previous);
      await services.credentialChanged();
      return readStatus();
    },
    async signOut() {
      const { revokedOnServer } = await signOut();
      await services.credentialChanged();
      return { ...(await readStatus()), revokedOnServer };
    },
    async setClipboardClearSeconds({ seconds }) {
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
        throw new LatchkeyFailure(FailureCode.INVALID_INPUT, "The delay is a whole number of seconds from 0 (never clear) to 3600.");
      }
      await clipboardClearSecondsItem.setValue(seconds);
      return readStatus();
    },
    listOrganizations: () => keys.listOrganizations(),
    listKeys: (filter) => keys.listKeys(filter),
    loadPopupKeys: (filter) => keys.loadPopupKeys(filter),
    revealSecret: async ({ keyId, reason }) => ({ secret: await keys.revealSecret(keyId, reason) }),
    // The secret goes from the server to the clipboard without passing through the caller.
    copySecret: async ({ keyId, reason }) => copyWithClear(await keys.revealSecret(keyId, reason)),
    copyText: ({ text, sensitive }) => copyText(text, sensitive),
    rotateKey: ({ keyId, gracePeriodHours }) => keys.rotateKey(keyId, gracePeriodHours),
    revokeKey: ({ keyId, reason }) => keys.revokeKey(keyId, reason),
    createKey: (input) => keys.createKey(input),
    acceptAgreement: ({ organizationId }) => keys.acceptAgreement(organizationId),
  };
}
