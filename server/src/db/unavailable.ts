/**
 * SQLSTATEs that mean "the database cannot serve now" rather than "this statement is wrong":
 * class 08 (connection exception), 57P01–57P03 (shutting down, crashed, starting up) and 53300
 * (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** Socket errors of a connection that could not be made or was cut. */
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** What pg and knex say when a connection is gone or none could be had; they set no code. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|Connection ended unexpectedly|Client has encountered a connection error|Knex: Timeout acquiring a connection|timeout expired)/;

/**
 * Whether an error, or one it wraps (MikroORM's DriverException, GraphQL's originalError, a cause,
 * an AggregateError's errors), says PostgreSQL is unreachable: a temporary condition to retry, not
 * a bug to report.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!error || typeof error !== "object" || depth > 5) return false;
  const { code, name, message, cause, originalError, errors } = error as Record<string, unknown>;
  if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
  if (name === "KnexTimeoutError" || name === "ConnectionException") return true;
  if (typeof message === "string" && UNAVAILABLE_MESSAGE.test(message)) return true;
  const inner = [cause, originalError, ...(Array.isArray(errors) ? errors : [])];
  return inner.some((wrapped) => isDatabaseUnavailable(wrapped, depth + 1));
}

/**
 * The database was unavailable to work done for us elsewhere (the verify listener's lookups run in
 * the main thread): an error crossing a thread boundary keeps its message but not its code.
 */
export class DatabaseUnavailableError extends Error {
  constructor() {
    super("The database is unavailable.");
    this.name = "DatabaseUnavailableError";
  }
}
