import { z } from "zod";
import { zodUserErrors } from "./errors";
import { idOfType } from "./global-id";

/** Parses mutation input, or throws `userErrors` naming every field at fault. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw zodUserErrors(result.error);
  return result.data;
}

/** A global ID of the given type, decoded to the database ID; anything else is a field error. */
export function globalIdOf(typeName: string) {
  return z.string().transform((value, issue) => {
    const id = idOfType(value, typeName);
    if (!id) {
      issue.addIssue({ code: z.ZodIssueCode.custom, message: `is not the ID of a ${typeName}` });
      return z.NEVER;
    }
    return id;
  });
}

/** A human-readable name: trimmed, 1 to 200 characters. */
export const nameSchema = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
