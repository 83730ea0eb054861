import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * An X virtual framebuffer (Xvfb) with xdotool, so that a real, headed Chromium can run on a machine
 * without a screen and receive key presses the way a user's keyboard sends them. Headless Chromium
 * cannot: key events sent over CDP go straight to the page and never reach the browser's
 * shortcuts, so an extension's `commands` would never fire.
 */
export interface VirtualDisplay {
  display: string;
  /** Presses keys (xdotool syntax, e.g. `alt+shift+k`) in the window whose title contains `windowTitle`. */
  press(windowTitle: string, keys: string): void;
  stop(): void;
}

export function virtualDisplayAvailable(): boolean {
  return ["/usr/bin/Xvfb", "/usr/bin/xdotool"].every((binary) => existsSync(binary));
}

export async function startVirtualDisplay(): Promise<VirtualDisplay> {
  const number = 90 + Math.floor(Math.random() * 900);
  const display = `:${number}`;
  const server: ChildProcess = spawn("/usr/bin/Xvfb", [display, "-screen", "0", "1280x900x24", "-nolisten", "tcp"], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  while (!existsSync(`/tmp/.X11-unix/X${number}`)) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`Xvfb did not start on ${display}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const env = { ...process.env, DISPLAY: display };
  return {
    display,
    press(windowTitle, keys) {
      // Focus the page's own window first: key presses go to whichever window has the focus.
      execFileSync("/usr/bin/xdotool", ["search", "--sync", "--onlyvisible", "--name", windowTitle, "windowfocus", "--sync"], { env });
      execFileSync("/usr/bin/xdotool", ["key", "--clearmodifiers", keys], { env });
    },
    stop() {
      server.kill();
    },
  };
}
