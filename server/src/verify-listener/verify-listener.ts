import type { Config } from "../config";
import { isDatabaseUnavailable } from "../db/unavailable";
import { reconnectDelayMs } from "../events/reconnect-backoff";
import { listenUrl } from "../http/listen-url";
import type { KeyCaches } from "../keys/key-caches";
import type { KeyStore } from "../keys/key-store";
import type { Logger } from "../observability/logger";
import type { VerifyThreadOptions } from "./verify-thread-messages";
import { type LookupAnswer, type ThreadHandlers, VerifyThread, verifyThreadEntry } from "./verify-thread-runner";

/** How long a stopping thread lets busy connections finish before it closes them. */
const STOP_GRACE_MS = 10_000;
/** A thread that ran this long before it ended is replaced at once; one that ended sooner, after a growing pause. */
const HEALTHY_RUN_MS = 60_000;

export interface VerifyListener {
  /** Where it listens: POST `${url}/v1/keys/verify`. */
  url: string;
  close(): Promise<void>;
}

/**
 * `VERIFY_PORT`: a second port that serves `POST /v1/keys/verify` only, exactly as the main port
 * does, from a worker thread of its own. The thread holds the verify handler and its cache and
 * nothing else, so its heap stays small: the same handler answers about a fifth faster there than
 * in the main thread, whose heap holds the schema, the ORM and every other route (see "Verify and
 * the cost of hashing" in the README). It hashes presented secrets itself; what it does not have
 * cached it asks the main thread for, which reads it with the same statement as the main port's
 * verifier. Key and caller changes reach its cache through the main thread's event listener, and
 * its usage records are written by the main thread. A thread that dies is replaced on the same port.
 */
export async function startVerifyListener(options: {
  config: Pick<
    Config,
    "verifyPort" | "host" | "corsOrigins" | "publicUrl" | "trustProxy" | "keyCacheSeconds" | "keyUsageFlushSeconds" | "logLevel"
  >;
  log: Logger;
  store: KeyStore;
  caches: KeyCaches;
  pepper: Buffer;
  /** The script the thread runs: the build's, unless a test wraps it. */
  threadEntry?: string;
}): Promise<VerifyListener> {
  const { config, log, store, caches } = options;
  const entry = options.threadEntry ?? verifyThreadEntry();
  const threadOptions: VerifyThreadOptions = {
    port: config.verifyPort ?? 0,
    host: config.host,
    pepper: new Uint8Array(options.pepper),
    cacheMilliseconds: config.keyCacheSeconds * 1000,
    flushMilliseconds: config.keyUsageFlushSeconds * 1000,
    stopGraceMilliseconds: STOP_GRACE_MS,
    corsOrigins: config.corsOrigins,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    logLevel: config.logLevel,
  };
  /** Usage writes under way: the database must not close under them. */
  const writes = new Set<Promise<void>>();
  const handlers: ThreadHandlers = {
    lookup: (digest) =>
      store.recordOf(digest).then(
        (record): LookupAnswer => ({ record }),
        (error) => {
          const unavailable = isDatabaseUnavailable(error);
          if (!unavailable) log.error({ err: error }, "unexpected key lookup error for the verify listener");
          return { failure: unavailable ? "database_unavailable" : "internal" };
        },
      ),
    uses: (uses) => {
      // As the main port's verifier does: a lost batch of last-used times is not worth an error.
      const write = store.recordUses(uses).catch((error) => log.warn({ err: error }, "could not record key usage"));
      writes.add(write);
      void write.finally(() => writes.delete(write));
    },
  };

  let thread = await VerifyThread.start(entry, threadOptions, handlers, log);
  const port = thread.port;
  // Evictions go to whichever thread is current; one that starts later starts with an empty cache.
  const forget = caches.add({
    evict: (keyId) => thread.post({ type: "evict", keyId }),
    forgetCaller: (change) => thread.post({ type: "forget-caller", change }),
    clear: () => thread.post({ type: "clear" }),
  });

  let closing = false;
  let wake = () => {};
  const closed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const pause = (milliseconds: number) => Promise.race([closed, new Promise((resolve) => setTimeout(resolve, milliseconds).unref())]);
  // A thread that ends unexpectedly (an uncaught error) is replaced on the same port: the main port
  // never stopped serving, and this one must not stay dark. One that keeps dying is replaced after
  // a growing pause, so that a crash on every start does not spin.
  const supervising = (async () => {
    let failures = 0;
    for (;;) {
      // Reached when the current thread has just started.
      const startedAt = Date.now();
      const exitCode = await Promise.race([thread.ended, closed.then(() => null)]);
      if (closing || exitCode === null) return;
      failures = Date.now() - startedAt >= HEALTHY_RUN_MS ? 0 : failures + 1;
      log.error({ exitCode }, "the verify listener's thread ended unexpectedly; starting another on the same port");
      for (;;) {
        if (failures > 1) await pause(reconnectDelayMs(failures - 2));
        if (closing) return;
        try {
          const next = await VerifyThread.start(entry, { ...threadOptions, port }, handlers, log);
          if (closing) return await next.stop();
          thread = next;
          break;
        } catch (error) {
          failures++;
          log.error({ err: error }, "could not start the verify listener's thread again");
        }
      }
    }
  })();

  return {
    url: listenUrl(config.host, port),
    async close() {
      closing = true;
      wake();
      await supervising;
      await thread.stop();
      // Evictions reach the thread until it has stopped answering.
      forget();
      await Promise.all(writes);
    },
  };
}
