import type { Config, TrustProxySetting } from "../config";
import type { CallerChange } from "../events/events";
import type { KeyRecord, KeyUse } from "../keys/key-store";

/** What the verify thread is started with (`workerData`): plain data, copied into the thread. */
export interface VerifyThreadOptions {
  port: number;
  host: string;
  /** The key pepper: the thread hashes presented secrets itself. It never sees a master key. */
  pepper: Uint8Array;
  cacheMilliseconds: number;
  flushMilliseconds: number;
  /** How long a stop lets busy connections finish before it closes them. */
  stopGraceMilliseconds: number;
  corsOrigins: string[];
  publicUrl: string | undefined;
  trustProxy: TrustProxySetting;
  logLevel: Config["logLevel"];
}

/** Why the main thread could not answer a lookup: the thread answers 503 or 500 accordingly. */
export type LookupFailure = "database_unavailable" | "internal";

/** From the main thread to the verify thread. */
export type ToVerifyThread =
  | { type: "record"; id: number; record: KeyRecord | null }
  | { type: "lookup-failed"; id: number; failure: LookupFailure }
  | { type: "evict"; keyId: string }
  | { type: "forget-caller"; change: CallerChange | null }
  | { type: "clear" }
  | { type: "stop" };

/** From the verify thread to the main thread. */
export type FromVerifyThread =
  | { type: "listening"; port: number }
  /** Could not listen (the port is taken, say): the thread ends after this. */
  | { type: "listen-failed"; message: string }
  | { type: "lookup"; id: number; digest: string }
  | { type: "uses"; uses: KeyUse[] }
  /** A log line, formatted and redacted by the thread's logger, for the main thread's log destination. */
  | { type: "log"; line: string }
  /** Stopped listening, finished its requests and sent its last uses: the thread ends after this. */
  | { type: "stopped" };
