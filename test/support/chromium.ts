import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Worker } from "playwright-core";

export const EXTENSION_DIR = path.resolve(__dirname, "../../extension/.output/chrome-mv3");

/** The Chromium to drive: `CHROMIUM_PATH`, or Debian's package. Never Playwright's downloaded builds. */
export function chromiumPath(): string | null {
  const candidate = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return existsSync(candidate) ? candidate : null;
}

const INSTALL_HINT = "Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium binary.";

/**
 * Whether the browser tests can run here. In CI a missing Chromium is a failure, never a silent
 * skip; on a developer's machine the tests are skipped with a warning that says how to get it.
 */
export function chromiumAvailability(): { run: boolean } {
  if (chromiumPath()) return { run: true };
  if (process.env.CI) {
    throw new Error(`Chromium is missing at ${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"} and CI is set. ${INSTALL_HINT}`);
  }
  console.warn(`Skipping the extension's browser tests: Chromium not found. ${INSTALL_HINT}`);
  return { run: false };
}

/** Builds the extension unless a build is there (the root `test` script builds it first). */
export function ensureExtensionBuilt(): void {
  if (existsSync(path.join(EXTENSION_DIR, "manifest.json"))) return;
  execFileSync("npx", ["--yes", "pnpm@10", "--filter", "extension", "build"], { cwd: path.resolve(__dirname, "../.."), stdio: "inherit" });
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  stop(): Promise<void>;
}

/** A fresh Chromium profile with the built extension loaded, headless. */
export async function launchWithExtension(): Promise<ExtensionBrowser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath()!,
    viewport: { width: 1100, height: 760 },
    args: [
      "--headless=new",
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
    async stop() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
