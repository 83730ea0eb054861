import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { startVirtualDisplay, type VirtualDisplay, virtualDisplayAvailable } from "./virtual-display";

export const FIREFOX_EXTENSION_DIR = path.resolve(__dirname, "../../extension/.output/firefox-mv3");

/** The add-on ID the extension's manifest names for Firefox (wxt.config.ts, `browser_specific_settings`). */
export const GECKO_ID = "extension@latchkey.dev";

/** The Firefox to drive: `FIREFOX_PATH`, or Debian's `firefox-esr`. Never a downloaded build. */
export function firefoxPath(): string | null {
  const candidate = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
  return existsSync(candidate) ? candidate : null;
}

const INSTALL_HINT =
  "Install them with `sudo apt-get install -y firefox-esr xvfb xdotool` (Debian/Ubuntu), or set FIREFOX_PATH to a Firefox binary (128 or newer).";

/**
 * Whether the Firefox tests can run here: Firefox, and Xvfb with xdotool (the palette opens on a real
 * key press). In CI anything missing is a failure, never a silent skip; on a developer's machine the
 * tests are skipped with a warning that says how to get them.
 */
export function firefoxAvailability(): { run: boolean } {
  const missing = [
    firefoxPath() ? null : (process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr"),
    virtualDisplayAvailable() ? null : "Xvfb/xdotool",
  ].filter(Boolean);
  if (!missing.length) return { run: true };
  if (process.env.CI) throw new Error(`${missing.join(" and ")} missing and CI is set. ${INSTALL_HINT}`);
  console.warn(`Skipping the extension's Firefox tests: ${missing.join(" and ")} not found. ${INSTALL_HINT}`);
  return { run: false };
}

/**
 * Builds the Firefox target unless a build is there. Like `ensureExtensionBuilt` it does not check
 * that the build is current: the root `test` script builds both targets first.
 */
export function ensureFirefoxExtensionBuilt(): void {
  if (existsSync(path.join(FIREFOX_EXTENSION_DIR, "manifest.json"))) return;
  execFileSync("npx", ["--yes", "pnpm@10", "--filter", "extension", "build:firefox"], {
    cwd: path.resolve(__dirname, "../.."),
    stdio: "inherit",
  });
}

export interface FirefoxWithExtension {
  browser: Browser;
  /** `moz-extension://<uuid>`: where the extension's pages (popup.html, options.html) open in a tab. */
  extensionOrigin: string;
  keyboard: VirtualDisplay;
  stop(): Promise<void>;
}

/**
 * A fresh Firefox profile, headed on a virtual display, driven over WebDriver BiDi, with the built
 * extension installed as a temporary add-on. Firefox gives each add-on a random internal UUID per
 * profile; we choose it up front (the `extensions.webextensions.uuids` preference), so the extension's
 * pages have a known address without reading about:debugging.
 */
export async function launchFirefoxWithExtension(): Promise<FirefoxWithExtension> {
  const executablePath = firefoxPath();
  if (!executablePath) throw new Error(`No Firefox at ${process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr"}. ${INSTALL_HINT}`);
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-firefox-"));
  const keyboard = await startVirtualDisplay();
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath,
    headless: false,
    userDataDir,
    env: { ...process.env, DISPLAY: keyboard.display },
    defaultViewport: { width: 1100, height: 760 },
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: uuid }),
      // Reading the clipboard back in the test's extension page, as the Chromium tests do.
      "dom.events.asyncClipboard.readText": true,
      "dom.events.testing.asyncClipboard": true,
    },
  });
  try {
    const installed = await browser.installExtension(FIREFOX_EXTENSION_DIR);
    if (installed !== GECKO_ID) throw new Error(`Firefox installed the extension as ${installed}, not ${GECKO_ID}`);
  } catch (error) {
    await browser.close();
    keyboard.stop();
    throw error;
  }
  return {
    browser,
    extensionOrigin: `moz-extension://${uuid}`,
    keyboard,
    async stop() {
      await browser.close();
      keyboard.stop();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
