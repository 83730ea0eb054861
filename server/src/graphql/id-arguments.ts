import { badUserInput } from "./errors";
import { idOfType } from "./global-id";

/**
 * For optional ID arguments of queries: the database ID, null when absent, or a BAD_USER_INPUT
 * error naming the argument when the ID is not one of that type.
 */
export function optionalIdArgument(value: string | null | undefined, typeName: string, argumentName: string): string | null {
  if (!value) return null;
  const id = idOfType(value, typeName);
  if (!id) throw badUserInput(`\`${argumentName}\` is not the ID of a ${typeName}.`);
  return id;
}
