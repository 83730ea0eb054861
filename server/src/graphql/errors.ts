import { GraphQLError } from "graphql";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import type { ZodError } from "zod";

/** Stable codes of expected failures, returned as `userErrors` in mutation payloads. */
export enum UserErrorCode {
  INVALID_INPUT = "INVALID_INPUT",
  NOT_FOUND = "NOT_FOUND",
  FORBIDDEN = "FORBIDDEN",
  CONFLICT = "CONFLICT",
  INVALID_CREDENTIALS = "INVALID_CREDENTIALS",
  LAST_OWNER = "LAST_OWNER",
  ROLE_IN_USE = "ROLE_IN_USE",
  BUILT_IN_ROLE = "BUILT_IN_ROLE",
  AGREEMENT_REQUIRED = "AGREEMENT_REQUIRED",
  API_ACCESS_DISABLED = "API_ACCESS_DISABLED",
  REVEAL_NOT_ALLOWED = "REVEAL_NOT_ALLOWED",
  INVALID_STATE = "INVALID_STATE",
  KEY_REVOKED = "KEY_REVOKED",
  KEY_EXPIRED = "KEY_EXPIRED",
}

registerEnumType(UserErrorCode, {
  name: "UserErrorCode",
  description: "Machine-readable reason for a user error. Stable across releases.",
  valuesConfig: {
    INVALID_INPUT: { description: "A field is missing, malformed or out of range." },
    NOT_FOUND: { description: "The object does not exist, or the caller may not see it." },
    FORBIDDEN: { description: "The caller may see the object but lacks the permission for this action." },
    CONFLICT: { description: "The change clashes with existing data, such as a duplicate name." },
    INVALID_CREDENTIALS: { description: "Email or password is wrong." },
    LAST_OWNER: { description: "The change would leave the organisation without an owner." },
    ROLE_IN_USE: { description: "The role is assigned to members; reassign them first." },
    BUILT_IN_ROLE: { description: "Built-in roles cannot be changed or deleted." },
    AGREEMENT_REQUIRED: { description: "Accept the organisation's current API agreement first (`acceptApiAgreement`)." },
    API_ACCESS_DISABLED: { description: "The organisation lets only admins create API keys." },
    REVEAL_NOT_ALLOWED: { description: "This secret cannot be shown again: the organisation or the key kind shows secrets once." },
    INVALID_STATE: { description: "The object's state does not allow this, e.g. approving a key that is not pending." },
    KEY_REVOKED: { description: "The key is revoked: nothing more can be done with it but deleting it." },
    KEY_EXPIRED: { description: "The key has expired: create a new one." },
  },
});

/** Codes of thrown GraphQL errors (`extensions.code`), for failures that are not the user's input. */
export enum GraphQLErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  RATE_LIMITED = "RATE_LIMITED",
  /** The database cannot be reached: retry after the response's Retry-After. */
  SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
}

@ObjectType({ description: "An expected failure of a mutation: nothing was changed." })
export class UserError {
  @Field(() => [String], { nullable: true, description: "Path to the input field at fault, if any." })
  field!: string[] | null;

  @Field(() => String, { description: "What went wrong, for people." })
  message!: string;

  @Field(() => UserErrorCode)
  code!: UserErrorCode;
}

/**
 * Thrown inside a service to abandon the operation. Thrown within a transaction it also rolls it
 * back, which is how "bad input changes nothing" holds; resolvers turn it into `userErrors`.
 */
export class UserErrorsException extends Error {
  constructor(readonly userErrors: UserError[]) {
    super(userErrors.map((error) => error.message).join("; "));
  }
}

export function userError(code: UserErrorCode, message: string, field: string[] | null = null): UserErrorsException {
  return new UserErrorsException([{ code, message, field }]);
}

export function zodUserErrors(error: ZodError): UserErrorsException {
  return new UserErrorsException(
    error.issues.map((issue) => ({
      code: UserErrorCode.INVALID_INPUT,
      message: issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
      field: issue.path.length ? issue.path.map(String) : null,
    })),
  );
}

/** A presented credential was refused. The message never says which part was wrong, or whether a key exists. */
export class CredentialRefused extends GraphQLError {
  constructor() {
    super("The credential sent is invalid, expired or revoked.", {
      extensions: { code: GraphQLErrorCode.UNAUTHENTICATED, http: { status: 401 } },
    });
  }
}

/** A limit was reached: HTTP 429 with Retry-After, `extensions.code` RATE_LIMITED. */
export class RateLimited extends GraphQLError {
  constructor(reason: string, retryAfterSeconds: number) {
    super(`${reason}; try again in ${retryAfterSeconds} s.`, {
      extensions: {
        code: GraphQLErrorCode.RATE_LIMITED,
        http: { status: 429, headers: new Map([["retry-after", String(retryAfterSeconds)]]) },
      },
    });
  }
}

/** Too many failed attempts from this address (or with this public ID): it must wait before failing again. */
export class TooManyFailures extends RateLimited {
  constructor(retryAfterSeconds: number) {
    super("Too many failed attempts from this address or with this credential", retryAfterSeconds);
  }
}

export function unauthenticated(message = "Sign in, or send a valid session token as `Authorization: Bearer <token>`.") {
  return new GraphQLError(message, { extensions: { code: GraphQLErrorCode.UNAUTHENTICATED } });
}

export function badUserInput(message: string) {
  return new GraphQLError(message, { extensions: { code: GraphQLErrorCode.BAD_USER_INPUT } });
}
