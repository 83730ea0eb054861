/** Reading and writing the system clipboard, whichever way the current context allows it. */
export interface ClipboardAccess {
  read(): Promise<string>;
  write(text: string): Promise<void>;
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = { set: (callback, ms) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as number) };

/** SHA-256 of the text, so a pending clear remembers what it copied without keeping the secret. */
export async function digestOf(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Copies text and, after `clearAfterMs`, empties the clipboard only if it still holds that text: if
 * the user has copied something else meanwhile, their clipboard is left alone (as password managers
 * do). A newer copy replaces the pending clear.
 */
export function createClipboardGuard(access: ClipboardAccess, timers: Timers = realTimers) {
  let pending: unknown = null;
  let lastClear: Promise<unknown> = Promise.resolve();

  async function clearIfUnchanged(expectedDigest: string): Promise<boolean> {
    const current = await access.read();
    if (current === "" || (await digestOf(current)) !== expectedDigest) return false;
    await access.write("");
    return true;
  }

  return {
    async copy(text: string, clearAfterMs: number): Promise<void> {
      if (pending !== null) timers.clear(pending);
      pending = null;
      await access.write(text);
      if (clearAfterMs <= 0) return;
      const expectedDigest = await digestOf(text);
      const handle = timers.set(() => {
        if (pending === handle) pending = null;
        lastClear = clearIfUnchanged(expectedDigest).catch(() => false);
      }, clearAfterMs);
      pending = handle;
    },
    clearIfUnchanged,
    hasPendingClear: () => pending !== null,
    /** Resolves once a clear that has started is done (the clipboard is read and written asynchronously). */
    whenIdle: async () => {
      await lastClear;
    },
  };
}

export type ClipboardGuard = ReturnType<typeof createClipboardGuard>;
