import type { z } from "zod";

type InputClass = abstract new (...args: never[]) => unknown;

const schemaByInput = new Map<InputClass, z.ZodTypeAny>();

/**
 * Pairs a GraphQL input class with the zod schema that validates it: the class gives the schema its
 * shape and descriptions, the zod schema the rules (lengths, formats, global IDs decoded to database
 * IDs). `validated-inputs.test.ts` checks that every input type is paired and that both name the same
 * fields with the same optionality, so a field added to one only cannot silently vanish.
 */
export function ValidatedBy(schema: z.ZodTypeAny) {
  return (target: InputClass) => {
    schemaByInput.set(target, schema);
  };
}

/** The schema paired with an input class, if any. */
export function validationSchemaOf(target: InputClass): z.ZodTypeAny | undefined {
  return schemaByInput.get(target);
}
