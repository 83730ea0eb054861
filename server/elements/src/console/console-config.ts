import type { ConsoleConfig } from "../../../src/http/console-config";

export type { ConsoleConfig, ConsoleIdentityProvider } from "../../../src/http/console-config";

const DEFAULT_CONFIG: ConsoleConfig = { passwordSignIn: true, passwordSignUp: false, identityProviders: [] };

/** The page's config, or password sign-in alone when the page carries none (a host page embedding the console). */
export function readConsoleConfig(document: Document): ConsoleConfig {
  const text = document.getElementById("latchkey-console-config")?.textContent;
  if (!text) return DEFAULT_CONFIG;
  try {
    return { ...DEFAULT_CONFIG, ...(JSON.parse(text) as Partial<ConsoleConfig>) };
  } catch {
    return DEFAULT_CONFIG;
  }
}
