import { Extensions, Field, ObjectType } from "type-graphql";

/** What `@Field` accepts as its type thunk (type-graphql does not export the name). */
type FieldTypeThunk = () => object;

import { type UserError, UserErrorsException, UserError as UserErrorType } from "./errors";
import { listMaximum } from "./operation-cost";

/** The most `userErrors` a payload lists; the query cost counts the list as this long. */
export const MAX_USER_ERRORS = 20;

/**
 * Declares a mutation payload type `{ <field>: <type>, userErrors }`. Every mutation returns one,
 * so clients handle expected failures in one way everywhere.
 */
export function MutationPayload(name: string, field: string, type: FieldTypeThunk, description: string) {
  @ObjectType(name, { description })
  class Payload {
    @Field(() => [UserErrorType], { description: "Expected failures. When not empty, nothing was changed." })
    @Extensions(listMaximum(MAX_USER_ERRORS))
    userErrors!: UserError[];
  }
  Field(type as never, { nullable: true })(Payload.prototype, field);
  return Payload;
}

/** Runs a service call and shapes its outcome as a payload, turning `UserErrorsException` into `userErrors`. */
export async function toPayload<T, P extends object>(
  work: () => Promise<T>,
  shape: (value: T) => P,
): Promise<P & { userErrors: UserError[] }> {
  try {
    return { ...shape(await work()), userErrors: [] };
  } catch (error) {
    if (error instanceof UserErrorsException)
      return { userErrors: error.userErrors.slice(0, MAX_USER_ERRORS) } as unknown as P & { userErrors: UserError[] };
    throw error;
  }
}
