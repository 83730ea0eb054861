import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLSchema, isObjectType } from "graphql";
import { badUserInput, UserErrorCode } from "./errors";

export const UNSAFE_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates";

/** A UTF-16 surrogate without its other half: not a Unicode character, so not text anyone meant. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** PostgreSQL cannot store NUL in text, and a lone surrogate cannot be encoded as UTF-8. */
function isUnsafeText(text: string): boolean {
  return text.includes("\u0000") || LONE_SURROGATE.test(text);
}

/** The path to the first unsafe string anywhere in an argument value (lists and input objects included), or null. */
export function unsafeTextPath(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === "string") return isUnsafeText(value) ? path : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, item] of Object.entries(value)) {
    const found = unsafeTextPath(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

type AnyFieldConfig = GraphQLFieldConfig<unknown, unknown, Record<string, unknown>>;

/**
 * Guards every field that takes arguments, so no resolver, service or SQL statement ever sees
 * unsafe text. Mutations answer with `userErrors` (INVALID_INPUT, the field path inside `input`,
 * nothing changed), as for any other bad input; queries and subscriptions with BAD_USER_INPUT.
 */
export function refuseUnsafeText(schema: GraphQLSchema): GraphQLSchema {
  const mutationType = schema.getMutationType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      const config = field as unknown as AnyFieldConfig;
      if (type === mutationType) {
        config.resolve = guardMutation(config.resolve ?? defaultFieldResolver);
      } else {
        config.resolve = guardField(config.resolve ?? defaultFieldResolver);
        if (config.subscribe) config.subscribe = guardField(config.subscribe);
      }
    }
  }
  return schema;
}

type Resolve = NonNullable<AnyFieldConfig["resolve"]>;

function guardMutation(resolve: Resolve): Resolve {
  return (source, args, context, info) => {
    const path = unsafeTextPath(args);
    if (!path) return resolve(source, args, context, info);
    // Every mutation takes one `input`; paths inside it read as the other validation errors do.
    const field = path[0] === "input" ? path.slice(1) : path;
    const message = field.length ? `${field.join(".")}: ${UNSAFE_TEXT_MESSAGE}` : UNSAFE_TEXT_MESSAGE;
    return { userErrors: [{ code: UserErrorCode.INVALID_INPUT, field: field.length ? field : null, message }] };
  };
}

function guardField(resolve: Resolve): Resolve {
  return (source, args, context, info) => {
    const path = unsafeTextPath(args);
    if (path) throw badUserInput(`\`${path.join(".")}\` ${UNSAFE_TEXT_MESSAGE}.`);
    return resolve(source, args, context, info);
  };
}
