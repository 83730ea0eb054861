import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLSchema, isObjectType } from "graphql";
import { badUserInput, UserErrorCode } from "./errors";

export const UNSAFE_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates";
export const DATE_RANGE_MESSAGE = "must be between 0001-01-01 and 9999-12-31";

/** A UTF-16 surrogate without its other half: not a Unicode character, so not text anyone meant. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** PostgreSQL cannot store NUL in text, and a lone surrogate cannot be encoded as UTF-8. */
function isUnsafeText(text: string): boolean {
  return text.includes("\u0000") || LONE_SURROGATE.test(text);
}

/** Years outside 1 to 9999 have no plain ISO 8601 form, and PostgreSQL refuses year 0 as JavaScript writes it. */
function isUnstorableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return Number.isNaN(year) || year < 1 || year > 9999;
}

export interface InputProblem {
  path: string[];
  message: string;
}

/**
 * Whether anything in an argument is unstorable, without building a path: every argument of every
 * request passes through here, nearly always clean.
 */
function holdsUnstorable(value: unknown): boolean {
  if (typeof value === "string") return isUnsafeText(value);
  if (value instanceof Date) return isUnstorableDate(value);
  if (value === null || typeof value !== "object") return false;
  for (const key in value) if (holdsUnstorable((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** The first value no one can store anywhere in an argument (lists and input objects included), or null. */
export function unstorableInput(value: unknown, path: string[] = []): InputProblem | null {
  if (!holdsUnstorable(value)) return null;
  if (typeof value === "string") return isUnsafeText(value) ? { path, message: UNSAFE_TEXT_MESSAGE } : null;
  if (value instanceof Date) return isUnstorableDate(value) ? { path, message: DATE_RANGE_MESSAGE } : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, item] of Object.entries(value)) {
    const found = unstorableInput(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

type AnyFieldConfig = GraphQLFieldConfig<unknown, unknown, Record<string, unknown>>;

/**
 * Guards every field that takes arguments, so no resolver, service or SQL statement ever sees
 * text or a date that cannot be stored. Mutations answer with `userErrors` (INVALID_INPUT, the
 * field path inside `input`, nothing changed), as for any other bad input; queries and
 * subscriptions with BAD_USER_INPUT. Fields without arguments are left alone, so this costs the
 * resolution of plain fields nothing.
 */
export function refuseUnstorableInput(schema: GraphQLSchema): GraphQLSchema {
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
    const problem = unstorableInput(args);
    if (!problem) return resolve(source, args, context, info);
    // Every mutation takes one `input`; paths inside it read as the other validation errors do.
    const field = problem.path[0] === "input" ? problem.path.slice(1) : problem.path;
    const message = field.length ? `${field.join(".")}: ${problem.message}` : problem.message;
    return { userErrors: [{ code: UserErrorCode.INVALID_INPUT, field: field.length ? field : null, message }] };
  };
}

function guardField(resolve: Resolve): Resolve {
  return (source, args, context, info) => {
    const problem = unstorableInput(args);
    if (problem) throw badUserInput(`\`${problem.path.join(".")}\` ${problem.message}.`);
    return resolve(source, args, context, info);
  };
}
