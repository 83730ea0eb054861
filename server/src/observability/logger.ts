import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type { Config } from "../config";
import { serializeError } from "./log-errors";

export type { Logger };

/** Where log lines are written: standard output by default; tests pass a stream to read them. */
export type LogDestination = DestinationStream;

/**
 * JSON logs. Anything that can carry a credential is redacted by path, so a secret that slips into
 * a logged object still never reaches the log stream.
 */
export function createLogger(config: Pick<Config, "logLevel">, destination?: LogDestination): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { service: "latchkey" },
    // Errors are logged without SQL statements or their values (see log-errors).
    serializers: { err: serializeError },
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
