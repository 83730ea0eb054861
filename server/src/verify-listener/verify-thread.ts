// The verify listener's thread (see verify-listener.ts). Started as a worker thread, never imported.
// It loads the verify handler and what that needs, and none of the main thread's frameworks (no ORM,
// GraphQL or Fastify): the same handler answers slower in a heap that holds them. verify-listener.test.ts
// checks what it loads.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { DatabaseUnavailableError } from "../db/unavailable";
import { clientAddressOf, compileProxyTrust } from "../http/client-address";
import { answerPreflight, CorsPolicy } from "../http/cors";
import { requestIdOf } from "../http/request-id";
import { refuseCredentialsInUrl, urlCarriesCredentials } from "../http/url-credentials";
import { handleVerify, pathOf, VERIFY_PATH } from "../http/verify-handler";
import { FailedAttempts } from "../keys/failed-attempts";
import { hmacSha256Hex } from "../keys/hmac-sha256";
import type { KeyGrant, KeyRecord, KeyStore, KeyUse } from "../keys/key-store";
import { KeyVerifier } from "../keys/key-verifier";
import { createLogger, lineDestination } from "../observability/logger";
import type { FromVerifyThread, ToVerifyThread, VerifyThreadOptions } from "./verify-thread-messages";

const options = workerData as VerifyThreadOptions;
const mainThread = parentPort as MessagePort;
const send = (message: FromVerifyThread) => mainThread.postMessage(message);
const log = createLogger(
  options,
  lineDestination((line) => send({ type: "log", line })),
).child({ thread: "verify" });

/** Keys as the main thread reads them from the database: this thread holds no connection of its own. */
class RelayedKeyStore implements KeyStore {
  private lastId = 0;
  private readonly waiting = new Map<number, { resolve(record: KeyRecord | null): void; reject(error: Error): void }>();

  recordOf(digest: string): Promise<KeyRecord | null> {
    return new Promise((resolve, reject) => {
      const id = ++this.lastId;
      this.waiting.set(id, { resolve, reject });
      send({ type: "lookup", id, digest });
    });
  }

  answer(message: Extract<ToVerifyThread, { type: "record" | "lookup-failed" }>): void {
    const waiting = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    if (message.type === "record") waiting?.resolve(message.record);
    // The main thread logged what went wrong; here it is only a status to answer with.
    else waiting?.reject(message.failure === "database_unavailable" ? new DatabaseUnavailableError() : new Error("The key lookup failed."));
  }

  grantOf(): Promise<KeyGrant | null> {
    return Promise.reject(new Error("The verify listener verifies keys only: it honours no credential derived from one."));
  }

  async recordUses(uses: readonly KeyUse[]): Promise<void> {
    send({ type: "uses", uses: [...uses] });
  }
}

const store = new RelayedKeyStore();
const keyVerifier = new KeyVerifier(
  store,
  { digest: hmacSha256Hex(Buffer.from(options.pepper)) },
  options.cacheMilliseconds,
  options.flushMilliseconds,
);
// Failed attempts are counted per listener, as they are per instance.
const services = { keyVerifier, failedAttempts: new FailedAttempts() };
const cors = new CorsPolicy({ origins: options.corsOrigins, paths: [VERIFY_PATH], ownOrigin: options.publicUrl });
const proxyTrust = compileProxyTrust(options.trustProxy);

const NOT_SERVED_HERE = JSON.stringify({
  error: "not_found",
  message: `This port serves POST ${VERIFY_PATH} only; everything else is on Latchkey's main port.`,
});

let stopping = false;

/**
 * Once a stop has begun, every answer closes its connection (`Connection: close`), whenever its
 * request arrived: a keep-alive client cannot hold the stop open. Node settles keep-alive as the head
 * is written, so this is decided there; with no per-request bookkeeping on the hot path.
 */
class ThreadResponse extends http.ServerResponse {
  override writeHead(statusCode: number, ...rest: unknown[]): this {
    if (stopping) this.shouldKeepAlive = false;
    return (super.writeHead as (statusCode: number, ...rest: unknown[]) => this)(statusCode, ...rest);
  }
}

// The same order as the main port's (app.ts): credentials in the URL are refused before anything
// reads it, preflights are answered as Fastify answers them there, then the verify handler.
const server = http.createServer({ ServerResponse: ThreadResponse }, (request, response) => {
  if (urlCarriesCredentials(request.url)) return refuseCredentialsInUrl(log, request, response, requestIdOf(request.headers));
  if (pathOf(request.url) !== VERIFY_PATH) {
    response.writeHead(404, {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(NOT_SERVED_HERE)),
      "x-request-id": requestIdOf(request.headers),
    });
    response.end(NOT_SERVED_HERE);
    return;
  }
  if (cors.isPreflightFor(request)) return answerPreflight(cors, log, request, response, requestIdOf(request.headers));
  handleVerify(services, log, request, response, clientAddressOf(request, proxyTrust), cors);
});

async function stop() {
  stopping = true;
  // New connections are refused and idle keep-alive ones closed at once (Node closes idle ones on
  // close), busy ones after their answer; whatever is still open after the grace period is cut.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const grace = setTimeout(() => server.closeAllConnections(), options.stopGraceMilliseconds);
  await closed;
  clearTimeout(grace);
  await keyVerifier.close();
  send({ type: "stopped" });
  mainThread.close();
}

mainThread.on("message", (message: ToVerifyThread) => {
  switch (message.type) {
    case "record":
    case "lookup-failed":
      return store.answer(message);
    case "evict":
      return keyVerifier.evict(message.keyId);
    case "forget-caller":
      return keyVerifier.forgetCaller(message.change);
    case "clear":
      return keyVerifier.clear();
    case "stop":
      return void stop();
  }
});

const listenFailed = (error: Error) => {
  send({ type: "listen-failed", message: error.message });
  mainThread.close();
};
server.once("error", listenFailed);
server.listen(options.port, options.host, () => {
  server.off("error", listenFailed);
  // A server error once listening (out of file descriptors, say) ends the thread: the main thread
  // starts another rather than keep one that may no longer hear evictions or accept connections.
  server.on("error", (error) => {
    log.error({ err: error }, "the verify listener's server failed");
    process.exit(1);
  });
  send({ type: "listening", port: (server.address() as AddressInfo).port });
});
