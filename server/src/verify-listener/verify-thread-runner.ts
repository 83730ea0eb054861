import path from "node:path";
import { Worker } from "node:worker_threads";
import type { KeyRecord, KeyUse } from "../keys/key-store";
import { destinationOf, type Logger } from "../observability/logger";
import type { FromVerifyThread, LookupFailure, ToVerifyThread, VerifyThreadOptions } from "./verify-thread-messages";

/**
 * The thread's compiled entry point. Threads run JavaScript only: when this module runs from its
 * TypeScript source (the test suite), the thread still starts from the build in dist/, which
 * `pnpm test` brings up to date first.
 */
export function verifyThreadEntry(): string {
  if (__filename.endsWith(".js")) return path.join(__dirname, "verify-thread.js");
  return path.resolve(__dirname, "../../dist/verify-listener/verify-thread.js");
}

/** What the main thread answers a lookup with. */
export type LookupAnswer = { record: KeyRecord | null } | { failure: LookupFailure };

/** What the main thread does for a verify thread. */
export interface ThreadHandlers {
  lookup(digest: string): Promise<LookupAnswer>;
  uses(uses: KeyUse[]): void;
}

/** Past the thread's own grace period (it closes what is still open then), the thread is ended. */
const TERMINATE_AFTER_GRACE_MS = 5_000;

/** One verify thread, from its start (listening) to its end. */
export class VerifyThread {
  private constructor(
    private readonly worker: Worker,
    private readonly options: VerifyThreadOptions,
    /** The port it listens on. */
    readonly port: number,
    /** Resolves with the exit code when the thread ends, whyever it ends. */
    readonly ended: Promise<number>,
    /** Resolves when the thread says it has stopped: its last usage records were posted before. */
    private readonly stopped: Promise<void>,
  ) {}

  /** Starts a thread and resolves once it listens; rejects, with the thread ended, when it cannot. */
  static async start(entry: string, options: VerifyThreadOptions, handlers: ThreadHandlers, log: Logger): Promise<VerifyThread> {
    // Its own environment: the thread reads its settings from `workerData`, and has no use for the
    // main process's variables (a master key among them).
    const worker = new Worker(entry, { workerData: options, env: { NODE_ENV: process.env.NODE_ENV ?? "" } });
    const ended = new Promise<number>((resolve) => worker.once("exit", resolve));
    let failure: Error | undefined;
    // An uncaught error ends the thread; `ended` tells the supervisor.
    worker.on("error", (error) => {
      failure = error;
      log.error({ err: error }, "the verify listener's thread failed");
    });
    const post = (message: ToVerifyThread) => worker.postMessage(message);
    // The thread's log lines, written where this process's logger writes (stdout, or an embedder's stream).
    const destination = destinationOf(log);
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
          case "log":
            return void destination.write(message.line);
          case "stopped":
            return saidStopped();
        }
      });
      void ended.then((code) => reject(failure ?? new Error(`The verify listener's thread ended (exit code ${code}) before it listened.`)));
    });
    try {
      return new VerifyThread(worker, options, await listening, ended, stopped);
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  }

  post(message: ToVerifyThread): void {
    this.worker.postMessage(message);
  }

  /** Stops listening, lets busy connections finish (within the thread's grace period), and ends the thread. */
  async stop(): Promise<void> {
    this.post({ type: "stop" });
    const backstop = setTimeout(() => void this.worker.terminate(), this.options.stopGraceMilliseconds + TERMINATE_AFTER_GRACE_MS);
    // Its messages are handled in order: once it says it stopped, its usage records are in hand.
    await Promise.race([this.stopped, this.ended]);
    await this.worker.terminate();
    clearTimeout(backstop);
  }
}
