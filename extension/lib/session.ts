import { FailureCode, failureFromUserErrors, LatchkeyFailure } from "./failures";
import { type Connection, request } from "./graphql/client";
import { SignIn, SignOut, Viewer } from "./graphql/operations";
import { credentialItem, type StoredCredential, serverUrlItem } from "./storage";

/** Hosts on this computer, where `http:` never leaves the machine. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Normalises what a user types as the server address: scheme, host and port only. The password and
 * the token go to this server, so `http:` is accepted only for a server on this computer.
 */
export function parseServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new LatchkeyFailure(FailureCode.INVALID_INPUT, "Enter the server address, e.g. https://latchkey.example.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new LatchkeyFailure(FailureCode.INVALID_INPUT, "The server address must start with https://");
  }
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new LatchkeyFailure(
      FailureCode.INVALID_INPUT,
      "Use https:// for this server: over http:// your password and token would travel unencrypted. http:// works only for a server on this computer (localhost, 127.0.0.1 or [::1]).",
    );
  }
  return url.origin;
}

/** The connection the background uses; fails with NOT_SIGNED_IN when there is no credential. */
export async function currentConnection(): Promise<Connection & { credential: string }> {
  const [serverUrl, credential] = await Promise.all([serverUrlItem.getValue(), credentialItem.getValue()]);
  if (!credential) throw new LatchkeyFailure(FailureCode.NOT_SIGNED_IN);
  return { serverUrl, credential: credential.secret };
}

export async function signInWithPassword(serverUrlInput: string, email: string, password: string): Promise<StoredCredential> {
  const serverUrl = parseServerUrl(serverUrlInput);
  const { signIn } = await request({ serverUrl, credential: null }, SignIn, { input: { email, password } });
  if (signIn.userErrors.length || !signIn.token) throw failureFromUserErrors(signIn.userErrors);
  const credential: StoredCredential = { kind: "session", secret: signIn.token, email: signIn.user?.email ?? email };
  await Promise.all([serverUrlItem.setValue(serverUrl), credentialItem.setValue(credential)]);
  return credential;
}

/** Headless setups: the key's own secret is the credential; the server answers for its mapped user. */
export async function signInWithApiKey(serverUrlInput: string, apiKey: string): Promise<StoredCredential> {
  const serverUrl = parseServerUrl(serverUrlInput);
  const secret = apiKey.trim();
  let viewer: { email: string };
  try {
    ({ viewer } = await request({ serverUrl, credential: secret }, Viewer, {}));
  } catch (error) {
    // A refused key is a wrong credential here, not an expired session.
    if (error instanceof LatchkeyFailure && error.code === FailureCode.SESSION_EXPIRED) {
      throw new LatchkeyFailure(FailureCode.INVALID_CREDENTIALS, "The server refused this API key: it is wrong, revoked or expired.");
    }
    throw error;
  }
  const credential: StoredCredential = { kind: "apiKey", secret, email: viewer.email };
  await Promise.all([serverUrlItem.setValue(serverUrl), credentialItem.setValue(credential)]);
  return credential;
}

/**
 * Revokes the session on the server, then forgets it. The local copy goes even when the server
 * cannot be reached, so signing out always signs out this browser.
 */
export async function signOut(): Promise<{ revokedOnServer: boolean }> {
  const [serverUrl, credential] = await Promise.all([serverUrlItem.getValue(), credentialItem.getValue()]);
  let revokedOnServer = false;
  if (credential?.kind === "session") {
    try {
      const { signOut } = await request({ serverUrl, credential: credential.secret }, SignOut, {});
      revokedOnServer = signOut.signedOut === true;
    } catch {
      revokedOnServer = false;
    }
  }
  await credentialItem.removeValue();
  return { revokedOnServer };
}
