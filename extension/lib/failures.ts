/** Every way a request can fail that the extension explains to the user, as a stable code. */
export enum FailureCode {
  NOT_SIGNED_IN = "NOT_SIGNED_IN",
  SERVER_UNREACHABLE = "SERVER_UNREACHABLE",
  SESSION_EXPIRED = "SESSION_EXPIRED",
  INVALID_CREDENTIALS = "INVALID_CREDENTIALS",
  PERMISSION_DENIED = "PERMISSION_DENIED",
  KEY_REVOKED = "KEY_REVOKED",
  KEY_EXPIRED = "KEY_EXPIRED",
  REVEAL_NOT_ALLOWED = "REVEAL_NOT_ALLOWED",
  AGREEMENT_REQUIRED = "AGREEMENT_REQUIRED",
  NOT_FOUND = "NOT_FOUND",
  INVALID_INPUT = "INVALID_INPUT",
  HOST_PERMISSION_DENIED = "HOST_PERMISSION_DENIED",
  NO_FIELD = "NO_FIELD",
  PALETTE_CLOSED = "PALETTE_CLOSED",
  UNEXPECTED = "UNEXPECTED",
}

/** A failure as it crosses extension messaging: plain data, since Error objects do not survive it. */
export interface Failure {
  code: FailureCode;
  message: string;
}

const HEADLINES: Record<FailureCode, string> = {
  NOT_SIGNED_IN: "Not signed in. Open the options page to sign in to your Latchkey server.",
  SERVER_UNREACHABLE: "The Latchkey server cannot be reached. Check the server URL and your connection.",
  SESSION_EXPIRED: "Your session has expired or was revoked. Sign in again on the options page.",
  INVALID_CREDENTIALS: "Email or password is wrong.",
  PERMISSION_DENIED: "You do not have permission to do this.",
  KEY_REVOKED: "This key is revoked; create a new one instead.",
  KEY_EXPIRED: "This key has expired; create a new one instead.",
  REVEAL_NOT_ALLOWED: "This organization shows secrets only once; the secret cannot be revealed again. Rotate the key for a new one.",
  AGREEMENT_REQUIRED: "Accept the organization's API agreement first.",
  NOT_FOUND: "Not found, or you may no longer see it.",
  INVALID_INPUT: "Some input is missing or invalid.",
  HOST_PERMISSION_DENIED: "The extension needs permission to reach this server.",
  NO_FIELD: "Click into a text field first, then open the palette.",
  PALETTE_CLOSED: "This palette has closed, expired or already handed out its key. Open it again with the shortcut or the context menu.",
  UNEXPECTED: "Something went wrong.",
};

/** Thrown by the extension's own code; turned into a `Failure` at the messaging boundary. */
export class LatchkeyFailure extends Error {
  constructor(
    readonly code: FailureCode,
    message: string = HEADLINES[code],
  ) {
    super(message);
  }

  toFailure(): Failure {
    return { code: this.code, message: this.message };
  }
}

export function toFailure(error: unknown): Failure {
  if (error instanceof LatchkeyFailure) return error.toFailure();
  return { code: FailureCode.UNEXPECTED, message: HEADLINES.UNEXPECTED };
}

interface UserErrorLike {
  code: string;
  message: string;
}

/** Maps a mutation's `userErrors` to the failure the user sees; the server's message says what exactly. */
export function failureFromUserErrors(userErrors: readonly UserErrorLike[]): LatchkeyFailure {
  const [first] = userErrors;
  if (!first) return new LatchkeyFailure(FailureCode.UNEXPECTED);
  const message = userErrors.map((error) => error.message).join(" ");
  switch (first.code) {
    case "FORBIDDEN":
    case "API_ACCESS_DISABLED":
      return new LatchkeyFailure(FailureCode.PERMISSION_DENIED, `${HEADLINES.PERMISSION_DENIED} ${message}`);
    case "REVEAL_NOT_ALLOWED":
      return new LatchkeyFailure(FailureCode.REVEAL_NOT_ALLOWED, message);
    case "AGREEMENT_REQUIRED":
      return new LatchkeyFailure(FailureCode.AGREEMENT_REQUIRED, message);
    case "INVALID_CREDENTIALS":
      return new LatchkeyFailure(FailureCode.INVALID_CREDENTIALS);
    case "NOT_FOUND":
      return new LatchkeyFailure(FailureCode.NOT_FOUND, message);
    case "KEY_REVOKED":
      return new LatchkeyFailure(FailureCode.KEY_REVOKED, message);
    case "KEY_EXPIRED":
      return new LatchkeyFailure(FailureCode.KEY_EXPIRED, message);
    default:
      return new LatchkeyFailure(FailureCode.INVALID_INPUT, message);
  }
}
