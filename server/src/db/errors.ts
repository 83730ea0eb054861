import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { UserErrorCode, userError } from "../graphql/errors";

/**
 * Runs a write and turns a unique-constraint violation into a CONFLICT user error. Checking first
 * gives the friendly message in the common case; this catches the race where two requests pass
 * the check at once.
 */
export async function conflictOnDuplicate<T>(write: () => Promise<T>, message: string, field: string[]): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw userError(UserErrorCode.CONFLICT, message, field);
    throw error;
  }
}
