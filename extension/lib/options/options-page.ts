import { browser } from "wxt/browser";
import { serverOrigins } from "../background/host-permission";
import { FailureCode, LatchkeyFailure } from "../failures";
import { sendToBackground } from "../messaging";
import type { Status } from "../protocol";
import { clearStatus, h, showStatus, withStatus } from "../ui/dom";

/**
 * A server other than the local ones needs an optional host permission. The request must run in
 * the click's user gesture, so it happens here, before anything is awaited.
 */
function requestServerAccess(serverUrl: string): Promise<boolean> {
  let origins: string[];
  try {
    origins = serverOrigins(serverUrl);
  } catch (error) {
    return Promise.reject(error);
  }
  return browser.permissions.request({ origins });
}

/** The options page: server, sign-in (password or API key), sign-out and the clipboard delay. */
export function mountOptionsPage(root: HTMLElement): void {
  const status = h("div", { class: "status", role: "status", "aria-live": "polite" });
  const account = h("p", { class: "account" });
  const serverUrl = h("input", { type: "url", name: "serverUrl", required: true, "aria-label": "Server URL" });
  const email = h("input", { type: "email", name: "email", autocomplete: "username", "aria-label": "Email" });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", "aria-label": "Password" });
  const apiKey = h("input", { type: "password", name: "apiKey", autocomplete: "off", "aria-label": "API key" });
  const clearSeconds = h("input", {
    type: "number",
    min: 0,
    max: 3600,
    step: 1,
    name: "clipboardClearSeconds",
    "aria-label": "Clear copied secrets after (seconds)",
  });
  const signOutButton = h("button", { type: "button", class: "secondary" }, "Sign out");

  const render = (state: Status) => {
    serverUrl.value = state.serverUrl;
    clearSeconds.value = String(state.clipboardClearSeconds);
    account.textContent = state.signedIn
      ? `Signed in as ${state.signedIn.email}${state.signedIn.kind === "apiKey" ? " (with an API key)" : ""} at ${state.serverUrl}.`
      : "Not signed in.";
    account.dataset.signedIn = String(state.signedIn !== null);
    signOutButton.hidden = !state.signedIn;
  };

  const signIn = (params: () => Promise<Status>) => async (event: Event) => {
    event.preventDefault();
    showStatus(status, "Signing in…");
    const access = requestServerAccess(serverUrl.value);
    const state = await withStatus(status, async () => {
      if (!(await access)) throw new LatchkeyFailure(FailureCode.HOST_PERMISSION_DENIED);
      return params();
    });
    password.value = "";
    apiKey.value = "";
    if (state) {
      render(state);
      showStatus(status, "Signed in.");
    }
  };

  const passwordForm = h(
    "form",
    { onsubmit: signIn(() => sendToBackground("signIn", { serverUrl: serverUrl.value, email: email.value, password: password.value })) },
    h("h2", {}, "Sign in with email and password"),
    h("label", {}, "Email", email),
    h("label", {}, "Password", password),
    h("button", { type: "submit" }, "Sign in"),
  );
  const apiKeyForm = h(
    "form",
    { onsubmit: signIn(() => sendToBackground("signInWithApiKey", { serverUrl: serverUrl.value, apiKey: apiKey.value })) },
    h("h2", {}, "Or sign in with an API key"),
    h("p", { class: "muted" }, "For headless setups: the extension then acts as the key's mapped user, within its scopes."),
    h("label", {}, "API key", apiKey),
    h("button", { type: "submit" }, "Sign in with key"),
  );
  signOutButton.addEventListener("click", async () => {
    const state = await withStatus(status, () => sendToBackground("signOut"));
    if (!state) return;
    render(state);
    showStatus(status, state.revokedOnServer ? "Signed out; the session was revoked on the server." : "Signed out of this browser.");
  });
  const clipboardForm = h(
    "form",
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const state = await withStatus(status, () => sendToBackground("setClipboardClearSeconds", { seconds: Number(clearSeconds.value) }));
        if (state) showStatus(status, "Saved.");
      },
    },
    h("h2", {}, "Clipboard"),
    h("label", {}, "Clear copied secrets after (seconds, 0 = never)", clearSeconds),
    h("button", { type: "submit", class: "secondary" }, "Save"),
  );

  // A status line speaks of the last thing done: editing a field, or the browser refusing a value,
  // makes "Saved." or "Signed in." stale, so it goes.
  for (const form of [passwordForm, apiKeyForm, clipboardForm]) {
    form.addEventListener("input", () => clearStatus(status));
    form.addEventListener(
      "invalid",
      (event) => {
        const field = event.target as HTMLInputElement;
        showStatus(status, `Not saved: ${field.getAttribute("aria-label") ?? field.name}: ${field.validationMessage}`, "failure");
      },
      true,
    );
  }
  serverUrl.addEventListener("input", () => clearStatus(status));

  root.append(
    h("h1", {}, "Latchkey"),
    account,
    signOutButton,
    h("label", {}, "Server URL", serverUrl),
    h("p", { class: "muted" }, "An https:// address; http:// only for a server on this computer (localhost, 127.0.0.1, [::1])."),
    passwordForm,
    apiKeyForm,
    clipboardForm,
    h("p", { class: "muted" }, "The palette shortcut (default Alt+Shift+K) can be changed in the browser's extension shortcut settings."),
    status,
  );
  void withStatus(status, () => sendToBackground("getStatus")).then((state) => state && render(state));
}
