/** Why an element could not do what was asked, as a code a host can branch on. */
export enum FailureCode {
  /** The server could not be reached (network, CORS, wrong URL). */
  UNREACHABLE = "UNREACHABLE",
  /** No credential, or one the server no longer accepts. */
  UNAUTHENTICATED = "UNAUTHENTICATED",
  /** The viewer may not do this. */
  FORBIDDEN = "FORBIDDEN",
  /** The organisation (or object) was not found, or the viewer does not see it. */
  NOT_FOUND = "NOT_FOUND",
  UNEXPECTED = "UNEXPECTED",
}

const PLAIN_WORDS: Record<FailureCode, string> = {
  [FailureCode.UNREACHABLE]: "Latchkey could not be reached. Check your connection and try again.",
  [FailureCode.UNAUTHENTICATED]: "Your sign-in has expired or is missing. Sign in again.",
  [FailureCode.FORBIDDEN]: "You do not have permission to do this.",
  [FailureCode.NOT_FOUND]: "This organization was not found, or you are not a member of it.",
  [FailureCode.UNEXPECTED]: "Something went wrong on our side. Try again in a moment.",
};

/** A failure with a message in plain words, fit to show next to what caused it. */
export class LatchkeyFailure extends Error {
  constructor(
    readonly code: FailureCode,
    message: string = PLAIN_WORDS[code],
  ) {
    super(message);
    this.name = "LatchkeyFailure";
  }
}

/** What to tell a person about any error an element caught. */
export function plainWords(error: unknown): string {
  if (error instanceof LatchkeyFailure) return error.message;
  return PLAIN_WORDS[FailureCode.UNEXPECTED];
}

/** A mutation's expected refusals, as the schema's payloads carry them. */
export interface UserError {
  code: string;
  message: string;
  field?: readonly string[] | null;
}
