/** The console's credential: a Latchkey session (password) or the identity provider's access token. */
export interface ConsoleSession {
  token: string;
  via: "password" | "provider";
}

/**
 * Kept in `sessionStorage`: it lives as long as the tab, is not sent with any request by the browser
 * (unlike a cookie, so no cross-site request can use it) and is gone when the tab closes.
 */
const SESSION_KEY = "latchkey-console-session";

export function readSession(): ConsoleSession | null {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null") as ConsoleSession | null;
    return session && typeof session.token === "string" ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: ConsoleSession): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}
