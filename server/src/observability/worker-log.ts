import { isOrWrapsDatabaseError } from "./log-errors";
import type { Logger } from "./logger";

type WorkerLogLevel = "error" | "warning" | "info" | "debug";

/**
 * graphile-worker's log lines, in our log. A failed job's line quotes its error's message and stack,
 * which for a database error hold the SQL statement with its values: that error is logged through
 * the `err` serializer instead, which withholds them (see log-errors).
 */
export function workerLogFunction(log: Logger) {
  return (level: WorkerLogLevel, message: string, meta?: Record<string, unknown>) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : "debug";
    const failure = meta && (meta.error ?? meta.fatalError);
    if (!isOrWrapsDatabaseError(failure)) return log[method]({ meta }, message);
    const {
      error: _error,
      fatalError: _fatalError,
      job,
      ...rest
    } = meta as Record<string, unknown> & { job?: { id?: unknown; task_identifier?: unknown } };
    log[method]({ meta: { ...rest, jobId: job?.id, task: job?.task_identifier }, err: failure }, "job failed with a database error");
  };
}
