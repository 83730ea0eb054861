import type { KeyKind, KeyState, Permission } from "./graphql/enums";
import type { KeyView, OrganizationView, PopupKeyView, PopupOrganizationResult } from "./graphql/operations";

/** What extension pages show about the sign-in, never the credential itself. */
export interface Status {
  serverUrl: string;
  signedIn: { email: string; kind: "session" | "apiKey" } | null;
  clipboardClearSeconds: number;
}

export interface KeyFilter {
  organizationId: string;
  search?: string;
  states?: KeyState[];
  kinds?: KeyKind[];
  locationId?: string;
}

/** A key as the in-page palette lists it: enough to choose, nothing secret. */
export interface PaletteKey {
  id: string;
  name: string;
  kind: KeyKind;
  maskedSecret: string;
  /** The half of a KEY_PAIR, BASIC or OAUTH_CLIENT key that is not secret (access key ID, username, client ID). */
  publicId: string | null;
  organizationName: string;
  locationName: string | null;
}

/** Which half of a credential the palette inserts or copies: the public ID, or the secret. */
export type CredentialPart = "public" | "secret";

/** What the palette's frame learns about the page it was opened on: never the page's content. */
export interface PaletteOpening {
  hasField: boolean;
  /** The half the focused field asks for, from its type and name, when it says. */
  partHint: CredentialPart | null;
  defaultReason: string;
}

export interface CreateKeyRequest {
  organizationId: string;
  locationId?: string;
  name: string;
  kind: KeyKind;
  personal: boolean;
  expiresAt?: string;
  contact?: { name: string; email: string; phone: string };
  /** Beyond `ORG_READ`, which every key holds; only permissions the creator holds. */
  scopes?: Permission[];
}

/** A mutation's expected failure, kept with the input field it is about so the form can show it there. */
export interface FieldError {
  field: string[] | null;
  message: string;
  code: string;
}

/** The popup's list: one organization's keys with what the viewer may do there. */
export interface PopupKeyList {
  organization: Omit<PopupOrganizationResult, "keys">;
  keys: PopupKeyView[];
}

/**
 * Every request the background answers: the name, what it takes and what it gives back. Content
 * scripts may send only the ones in `PAGE_FACING_REQUESTS`.
 */
export interface BackgroundProtocol {
  getStatus: { params: undefined; result: Status };
  signIn: { params: { serverUrl: string; email: string; password: string }; result: Status };
  signInWithApiKey: { params: { serverUrl: string; apiKey: string }; result: Status };
  signOut: { params: undefined; result: Status & { revokedOnServer: boolean } };
  setClipboardClearSeconds: { params: { seconds: number }; result: Status };
  listOrganizations: { params: undefined; result: { viewerId: string; organizations: OrganizationView[] } };
  listKeys: { params: KeyFilter; result: KeyView[] };
  loadPopupKeys: { params: KeyFilter; result: PopupKeyList };
  revealSecret: { params: { keyId: string; reason: string }; result: { secret: string } };
  copySecret: { params: { keyId: string; reason: string }; result: { clearsAfterSeconds: number } };
  copyText: { params: { text: string; sensitive: boolean }; result: { clearsAfterSeconds: number } };
  rotateKey: { params: { keyId: string; gracePeriodHours?: number }; result: { key: KeyView; secret: string | null } };
  revokeKey: { params: { keyId: string; reason: string }; result: { key: KeyView } };
  createKey: { params: CreateKeyRequest; result: { key: PopupKeyView | null; secret: string | null; fieldErrors: FieldError[] } };
  acceptAgreement: { params: { organizationId: string }; result: { accepted: boolean } };
  openPaletteFrame: { params: { hasField: boolean; partHint: CredentialPart | null }; result: { openingId: string } };
  attachPaletteFrame: { params: { openingId: string }; result: PaletteOpening };
  searchPaletteKeys: { params: { search: string }; result: PaletteKey[] };
  insertIntoPage: { params: { keyId: string; part: CredentialPart; reason: string }; result: { inserted: true } };
  copyFromPalette: { params: { keyId: string; part: CredentialPart; reason: string }; result: { clearsAfterSeconds: number } };
  closePalette: { params: undefined; result: { closed: true } };
}

export type RequestType = keyof BackgroundProtocol;
export type Params<T extends RequestType> = BackgroundProtocol[T]["params"];
export type Result<T extends RequestType> = BackgroundProtocol[T]["result"];

/**
 * Requests the palette may make, each only with the ticket the background issued when it opened the
 * palette in that frame. The content script asks for the palette's frame and may close it; the frame
 * (an extension page, but one any web page could embed) searches masked keys, inserts or copies the
 * one secret the user chose (it never holds it: the background hands it to the content script), and
 * closes. Sign-in, the credential and everything else stay with the extension's own pages.
 */
export const PAGE_FACING_REQUESTS: ReadonlySet<RequestType> = new Set([
  "openPaletteFrame",
  "attachPaletteFrame",
  "searchPaletteKeys",
  "insertIntoPage",
  "copyFromPalette",
  "closePalette",
]);
