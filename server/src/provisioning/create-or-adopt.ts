import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { UserErrorCode, UserErrorsException } from "../graphql/errors";

/** A unique violation, raw or already turned into a CONFLICT user error by the service that wrote. */
function isDuplicate(error: unknown): boolean {
  if (error instanceof UniqueConstraintViolationException) return true;
  return error instanceof UserErrorsException && error.userErrors.some((userError) => userError.code === UserErrorCode.CONFLICT);
}

/**
 * Creates an object unless another request created it first: a host that retries, or sends the same
 * upsert twice at once, gets the one object either way. When `create` hits a duplicate, `adopt` finds
 * the winner's object and brings it up to date; when there is none, the duplicate was about something
 * else (such as a name another location has), and that refusal stands.
 */
export async function createOrAdopt<T>(create: () => Promise<T>, adopt: () => Promise<T | null>, conflict: () => Error): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (!isDuplicate(error)) throw error;
    const adopted = await adopt();
    if (adopted) return adopted;
    throw error instanceof UserErrorsException ? error : conflict();
  }
}
