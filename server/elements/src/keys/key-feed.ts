import type { LatchkeyClient } from "../core/client";
import { plainWords } from "../core/failure";
import { KeyById, KeyEvents } from "./operations";
import type { KeyRow } from "./words";

/** Events after which the key no longer exists. */
const GONE = new Set(["key.deleted", "key.deleted_for_inactivity"]);
/** Events that change nothing a row shows. */
const UNSEEN = new Set(["key.revealed"]);

export interface KeyFeedListener {
  /** A key changed: as the viewer now sees it (what they may do included), or null when it is gone or no longer visible. */
  key(keyId: string, key: KeyRow | null, type: string): void;
  /** Events may have been missed (the socket was away): read the list again. */
  missed(): void;
  failure(message: string): void;
}

/**
 * Follows an organisation's `keyEvents`, reading each changed key again so a row shows exactly what
 * the list would. Returns the function that stops following.
 */
export function followKeys(client: LatchkeyClient, organizationId: string, listener: KeyFeedListener): () => void {
  const heard = async (type: string, keyId: string) => {
    if (UNSEEN.has(type)) return;
    try {
      const node = GONE.has(type) ? null : (await client.request(KeyById, { id: keyId })).node;
      listener.key(keyId, node && "name" in node ? node : null, type);
    } catch (error) {
      listener.failure(plainWords(error));
    }
  };
  const stop = client.subscribe(
    KeyEvents,
    { organizationId },
    ({ keyEvents }) => void heard(keyEvents.type, keyEvents.keyId),
    (failure) => listener.failure(failure.message),
  );
  const forget = client.onReconnect(() => listener.missed());
  return () => {
    stop();
    forget();
  };
}
