import { Field, ObjectType } from "type-graphql";

/** What `@Field` accepts as its type thunk (type-graphql does not export the name). */
type FieldTypeThunk = () => object;

import { type UserError, UserErrorsException, UserError as UserErrorType } from "./errors";

/**
 * Declares a mutation payload type `{ <field>: <type>, userErrors }`. Every mutation returns one,
 * so clients handle expected failures in one way everywhere.
 */
export function MutationPayload(name: string, field: string, type: FieldTypeThunk, description: string) {
  @ObjectType(name, { description })
  class Payload {
    @Field(() => [UserErrorType], { description: "Expected failures. When not empty, nothing was changed." })
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
    if (error instanceof UserErrorsException) return { userErrors: error.userErrors } as unknown as P & { userErrors: UserError[] };
    throw error;
  }
}
