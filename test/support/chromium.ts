import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Worker } from "playwright-core";
import { startVirtualDisplay, type VirtualDisplay, virtualDisplayAvailable } from "./virtual-display";

export const EXTENSION_DIR = path.resolve(__dirname, "../../extension/.output/chrome-mv3");

/** The Chromium to drive: `CHROMIUM_PATH`, or Debian's package. Never Playwright's downloaded builds. */
export function chromiumPath(): string | null {
  const candidate = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return existsSync(candidate) ? candidate : null;
}

const INSTALL_HINT =
  "Install it with `sudo apt-get install -y chromium xvfb xdotool` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium binary.";

/**
 * Whether the browser tests can run here. In CI a missing Chromium is a failure, never a silent
 * skip; on a developer's machine the tests are skipped with a warning that says how to get it.
 */
export function chromiumAvailability(): { run: boolean; realKeyboard: boolean } {
  const realKeyboard = virtualDisplayAvailable();
  if (chromiumPath()) {
    if (!realKeyboard && process.env.CI)
      throw new Error(`Xvfb and xdotool are missing and CI is set: the shortcut test needs them. ${INSTALL_HINT}`);
    if (!realKeyboard) console.warn(`Xvfb or xdotool not found: the keyboard shortcut test is skipped. ${INSTALL_HINT}`);
    return { run: true, realKeyboard };
  }
  if (process.env.CI) {
    throw new Error(`Chromium is missing at ${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"} and CI is set. ${INSTALL_HINT}`);
  }
  console.warn(`Skipping the extension's browser tests: Chromium not found. ${INSTALL_HINT}`);
  return { run: false, realKeyboard: false };
}

/**
 * Builds the extension unless a build is there. It does not check that the build is current: the
 * root `test` script builds first, and a manual run should build too (`pnpm --filter extension build`).
 */
export function ensureExtensionBuilt(): void {
  if (existsSync(path.join(EXTENSION_DIR, "manifest.json"))) return;
  execFileSync("npx", ["--yes", "pnpm@10", "--filter", "extension", "build"], { cwd: path.resolve(__dirname, "../.."), stdio: "inherit" });
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  /** Set when the browser runs headed on a virtual display, where real key presses reach it. */
  keyboard: VirtualDisplay | null;
  stop(): Promise<void>;
}

/**
 * A fresh Chromium profile with the built extension loaded: headed on a virtual display when Xvfb
 * and xdotool are there (so keyboard shortcuts work), headless otherwise.
 */
export async function launchWithExtension(): Promise<ExtensionBrowser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-chromium-"));
  const keyboard = virtualDisplayAvailable() ? await startVirtualDisplay() : null;
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(`Chromium was not found. ${INSTALL_HINT}`);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    viewport: { width: 1100, height: 760 },
    headless: !keyboard,
    env: keyboard ? { ...process.env, DISPLAY: keyboard.display } : process.env,
    args: [
      ...(keyboard ? [] : ["--headless=new"]),
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 15_000 }));
  const extensionId = new URL(serviceWorker.url()).host;
  return {
    context,
    extensionId,
    serviceWorker,
    keyboard,
    async stop() {
      await context.close();
      keyboard?.stop();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
