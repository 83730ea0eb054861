import pino from "pino";

/**
 * Database errors as MikroORM raises them carry the whole SQL statement with its values inlined in
 * `message` and `stack` (a password hash, an email, a secret's digest), and PostgreSQL's own fields
 * (`detail`, `where`, even the message of a failed cast) quote row values. None of that may reach
 * the logs, so a database error is logged by its SQLSTATE and the objects it names, never its text.
 */
export function serializeError(error: unknown): unknown {
  const databaseError = databaseErrorIn(error);
  if (!databaseError) return pino.stdSerializers.err(error as Error);
  const { code, routine, table, column, constraint } = databaseError as unknown as Partial<Record<string, unknown>>;
  const summary = `${databaseError.name} (SQLSTATE ${String(code ?? "unknown")}${routine ? ` in ${String(routine)}` : ""}); statement and values withheld`;
  return {
    type: error instanceof Error ? error.name : typeof error,
    message: summary,
    // Only the frames: the stack's first line repeats the message, and with it the statement.
    stack: [summary, ...framesOf(databaseError)].join("\n"),
    database: { code, routine, table, column, constraint },
  };
}

/** True when an error is, wraps or was caused by a database error, whose text must not be logged. */
export function isOrWrapsDatabaseError(error: unknown): boolean {
  return databaseErrorIn(error) !== null;
}

/** The database error behind an error: itself, a GraphQL error's `originalError` or a `cause`, however deep. */
function databaseErrorIn(error: unknown, depth = 0): Error | null {
  if (!(error instanceof Error) || depth > 8) return null;
  if (isDatabaseError(error)) return error;
  const { originalError, cause } = error as { originalError?: unknown; cause?: unknown };
  return databaseErrorIn(originalError, depth + 1) ?? databaseErrorIn(cause, depth + 1);
}

/** MikroORM's exceptions, and pg's own errors (which have a `routine` and a `severity`) for code that uses pg directly. */
function isDatabaseError(error: Error): boolean {
  return isDriverException(error) || ("routine" in error && "severity" in error);
}

/**
 * Whether the error is a MikroORM `DriverException` or one of its subclasses, told by the classes' names
 * rather than `instanceof`, so that this module need not load MikroORM: the verify listener's thread
 * logs through it and holds no database, and MikroORM's modules in its heap would slow every verify
 * (see verify-thread.ts). Another class of that name can only have more withheld, never less.
 */
function isDriverException(error: Error): boolean {
  for (
    let prototype = Object.getPrototypeOf(error);
    prototype && prototype !== Error.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    if (prototype.constructor?.name === "DriverException") return true;
  }
  return false;
}

function framesOf(error: Error): string[] {
  return (error.stack ?? "").split("\n").filter((line) => line.trim().startsWith("at "));
}
