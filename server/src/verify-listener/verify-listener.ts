import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Config } from "../config";
import { isDatabaseUnavailable } from "../db/unavailable";
import { reconnectDelayMs } from "../events/reconnect-backoff";
import type { KeyCaches } from "../keys/key-caches";
import type { KeyRecord, KeyStore, KeyUse } from "../keys/key-store";
import type { Logger } from "../observability/logger";
import type { FromVerifyThread, LookupFailure, ToVerifyThread, VerifyThreadOptions } from "./verify-thread-messages";

/**
 * The thread's compiled entry point. Threads run JavaScript only: when this module runs from its
 * TypeScript source (the test suite), the thread still starts from the build in dist/, which
 * `pnpm test` brings up to date first.
 */
function threadEntry(): string {
  if (__filename.endsWith(".js")) return path.join(__dirname, "verify-thread.js");
  return path.resolve(__dirname, "../../dist/verify-listener/verify-thread.js");
}

/** How long a stopping thread may take to finish its requests before it is ended. */
const STOP_GRACE_MS = 10_000;

/** What the main thread answers a lookup with. */
type LookupAnswer = { record: KeyRecord | null } | { failure: LookupFailure };

/** What the main thread does for a verify thread. */
interface ThreadHandlers {
  lookup(digest: string): Promise<LookupAnswer>;
  uses(uses: KeyUse[]): void;
}

/** One verify thread, from its start (listening) to its end. */
class VerifyThread {
  private constructor(
    private readonly worker: Worker,
    /** The port it listens on. */
    readonly port: number,
    /** Resolves with the exit code when the thread ends, whyever it ends. */
    readonly ended: Promise<number>,
    /** Resolves when the thread says it has stopped: its last usage records were posted before. */
    private readonly stopped: Promise<void>,
  ) {}

  /** Starts a thread and resolves once it listens; rejects, with the thread ended, when it cannot. */
  static async start(options: VerifyThreadOptions, handlers: ThreadHandlers): Promise<VerifyThread> {
    const worker = new Worker(threadEntry(), { workerData: options });
    const ended = new Promise<number>((resolve) => worker.once("exit", resolve));
    // An uncaught error ends the thread; `ended` tells the supervisor, the log tells why.
    let failure: Error | undefined;
    worker.on("error", (error) => {
      failure = error;
    });
    const post = (message: ToVerifyThread) => worker.postMessage(message);
    let saidStopped = () => {};
    const stopped = new Promise<void>((resolve) => {
      saidStopped = resolve;
    });
    const listening = new Promise<number>((resolve, reject) => {
      worker.on("message", (message: FromVerifyThread) => {
        switch (message.type) {
          case "listening":
            return resolve(message.port);
          case "listen-failed":
            return reject(new Error(`The verify listener could not listen on ${options.host}:${options.port}: ${message.message}`));
          case "lookup":
            return void handlers
              .lookup(message.digest)
              .then((answer) =>
                post(
                  "record" in answer
                    ? { type: "record", id: message.id, record: answer.record }
                    : { type: "lookup-failed", id: message.id, failure: answer.failure },
                ),
              );
          case "uses":
            return handlers.uses(message.uses);
          case "stopped":
            return saidStopped();
        }
      });
      void ended.then((code) => reject(failure ?? new Error(`The verify listener's thread ended (exit code ${code}) before it listened.`)));
    });
    try {
      return new VerifyThread(worker, await listening, ended, stopped);
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  }

  post(message: ToVerifyThread): void {
    this.worker.postMessage(message);
  }

  /** Stops listening, lets busy connections finish (for a while), and ends the thread. */
  async stop(): Promise<void> {
    this.post({ type: "stop" });
    const grace = setTimeout(() => void this.worker.terminate(), STOP_GRACE_MS);
    // Its messages are handled in order: once it says it stopped, its usage records are in hand.
    await Promise.race([this.stopped, this.ended]);
    await this.worker.terminate();
    clearTimeout(grace);
  }
}

export interface VerifyListener {
  /** Where it listens: POST `${url}/v1/keys/verify`. */
  url: string;
  close(): Promise<void>;
}

/**
 * `VERIFY_PORT`: a second port that serves `POST /v1/keys/verify` only, exactly as the main port
 * does, from a worker thread of its own. The thread holds the verify handler and its cache and
 * nothing else, so its heap stays small: the same handler answers about a tenth faster there than
 * in the main thread, whose heap holds the schema, the ORM and every other route (see "Verify and
 * the cost of hashing" in the README). It hashes presented secrets itself; what it does not have
 * cached it asks the main thread for, which reads it with the same statement as the main port's
 * verifier. Key and caller changes reach its cache through the main thread's event listener, and
 * its usage records are written by the main thread.
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
}): Promise<VerifyListener> {
  const { config, log, store, caches } = options;
  const threadOptions: VerifyThreadOptions = {
    port: config.verifyPort ?? 0,
    host: config.host,
    pepper: new Uint8Array(options.pepper),
    cacheMilliseconds: config.keyCacheSeconds * 1000,
    flushMilliseconds: config.keyUsageFlushSeconds * 1000,
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

  let thread = await VerifyThread.start(threadOptions, handlers);
  let closing = false;
  // A thread that ends unexpectedly (an uncaught error) is replaced on the same port: the main
  // port never stopped serving, and this one must not stay dark. Its cache starts empty.
  const supervise = (current: VerifyThread) =>
    void current.ended.then(async (exitCode) => {
      if (closing) return;
      log.error({ exitCode }, "the verify listener's thread ended unexpectedly; starting another");
      for (let failures = 0; !closing; failures++) {
        try {
          thread = await VerifyThread.start({ ...threadOptions, port: current.port }, handlers);
          if (closing) await thread.stop();
          else supervise(thread);
          return;
        } catch (error) {
          log.error({ err: error }, "could not restart the verify listener's thread");
          await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(failures)));
        }
      }
    });
  supervise(thread);
  const forget = caches.add({
    evict: (keyId) => thread.post({ type: "evict", keyId }),
    forgetCaller: (change) => thread.post({ type: "forget-caller", change }),
    clear: () => thread.post({ type: "clear" }),
  });
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;

  return {
    url: `http://${host === "0.0.0.0" ? "localhost" : host}:${thread.port}`,
    async close() {
      closing = true;
      forget();
      await thread.stop();
      await Promise.all(writes);
    },
  };
}
