import pino, { type Logger } from "pino";
import type { Config } from "../config";

export type { Logger };

/**
 * JSON logs. Anything that can carry a credential is redacted by path, so a secret that slips into
 * a logged object still never reaches the log stream.
 */
export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    base: { service: "latchkey" },
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
  });
}
