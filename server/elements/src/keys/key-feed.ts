import type { LatchkeyClient } from "../core/client";
import { plainWords } from "../core/failure";
import { KeyEvents, KeysByIds } from "./operations";
import type { KeyRow } from "./words";

/** Events after which the key no longer exists. */
const GONE = new Set(["key.deleted", "key.deleted_for_inactivity"]);
/** Events that change nothing a row shows. */
const UNSEEN = new Set(["key.revealed"]);
/** Keys changed within this window are read in one request: a burst (an import, a sweep) costs one read, not one per key. */
const BATCH_WINDOW_MS = 50;
/** `nodes(ids:)` answers at most this many at once. */
const KEYS_PER_READ = 100;

export interface KeyFeedListener {
  /** A key changed: as the viewer now sees it (what they may do included), or null when it is gone or no longer visible. */
  key(keyId: string, key: KeyRow | null, type: string): void;
  /** Events may have been missed (the socket was away): read the list again. */
  missed(): void;
  failure(message: string): void;
}

/**
 * Follows an organisation's `keyEvents`, reading each changed key again so a row shows exactly what
 * the list would. Reads run one after another, so an older answer never overwrites a newer one.
 * Returns the function that stops following.
 */
export function followKeys(client: LatchkeyClient, organizationId: string, listener: KeyFeedListener): () => void {
  const waiting = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reads = Promise.resolve();

  const read = async (batch: Array<[string, string]>) => {
    try {
      const { nodes } = await client.request(KeysByIds, { ids: batch.map(([keyId]) => keyId) });
      batch.forEach(([keyId, type], index) => {
        const node = nodes[index];
        listener.key(keyId, node && "name" in node ? node : null, type);
      });
    } catch (error) {
      listener.failure(plainWords(error));
    }
  };
  const flush = () => {
    timer = undefined;
    const batch = [...waiting].slice(0, KEYS_PER_READ);
    for (const [keyId] of batch) waiting.delete(keyId);
    if (waiting.size) timer = setTimeout(flush, 0);
    reads = reads.then(() => read(batch));
  };
  const heard = (type: string, keyId: string) => {
    if (UNSEEN.has(type)) return;
    if (GONE.has(type)) {
      waiting.delete(keyId);
      reads = reads.then(() => listener.key(keyId, null, type));
      return;
    }
    waiting.set(keyId, type);
    timer ??= setTimeout(flush, BATCH_WINDOW_MS);
  };

  const stop = client.subscribe(
    KeyEvents,
    { organizationId },
    ({ keyEvents }) => heard(keyEvents.type, keyEvents.keyId),
    (failure) => listener.failure(failure.message),
  );
  const forget = client.onReconnect(() => listener.missed());
  return () => {
    clearTimeout(timer);
    stop();
    forget();
  };
}
