import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "../config";
import { redactedUrl } from "../http/url-credentials";
import { serializeError } from "./log-errors";

export type { Logger };

/** A Fastify request as logs show it. */
function requestForLog(request: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return {
    method: request.method,
    url: redactedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Where log lines go: standard output unless a test or an embedder passes its own stream. */
export type LogDestination = DestinationStream;

/**
 * JSON logs. Anything that can carry a credential is redacted by path, so a secret that slips into
 * a logged object still never reaches the log stream; request URLs are logged with their query
 * values redacted.
 */
export function createLogger(config: Pick<Config, "logLevel">, destination?: LogDestination): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: "latchkey" },
    // Replaces Fastify's request serializer, which logs the URL as sent, query string and all.
    // Errors: never a SQL statement or its values (see log-errors).
    serializers: { req: requestForLog, err: serializeError },
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        "req.headers.secretkey",
        "headers.authorization",
        "*.password",
        "*.token",
        "*.secret",
        "password",
        "token",
        "secret",
      ],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Where a logger writes its lines. The verify listener's thread logs through its own pino, whose
 * lines the main thread writes here, so that they land where every other line does.
 */
export function destinationOf(log: Logger): LogDestination {
  return (log as unknown as Record<symbol, LogDestination>)[pino.symbols.streamSym] as LogDestination;
}

/** A destination that hands each log line to `write` as it is: a worker thread's, for its parent. */
export function lineDestination(write: (line: string) => void): LogDestination {
  return { write };
}
