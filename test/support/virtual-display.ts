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
  /** Types text, key by key, into whatever has the focus in that window. */
  type(windowTitle: string, text: string): void;
  stop(): void;
}

export function virtualDisplayAvailable(): boolean {
  return ["/usr/bin/Xvfb", "/usr/bin/xdotool"].every((binary) => existsSync(binary));
}

/** How long Xvfb may take to find a free display and start. */
const XVFB_START_TIMEOUT_MS = 10_000;

export async function startVirtualDisplay(): Promise<VirtualDisplay> {
  // `-displayfd 3`: Xvfb picks a free display number itself and writes it to fd 3 once it accepts
  // connections, so parallel runs never collide and no polling for the socket is needed.
  const server: ChildProcess = spawn("/usr/bin/Xvfb", ["-displayfd", "3", "-screen", "0", "1280x900x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "ignore", "pipe"],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let written = "";
    const timer = setTimeout(() => fail(new Error("Xvfb did not start in time")), XVFB_START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      server.kill();
      reject(error);
    };
    server.once("error", fail);
    server.once("exit", (code) => fail(new Error(`Xvfb exited (code ${code}) before choosing a display`)));
    server.stdio[3]?.on("data", (chunk: Buffer) => {
      written += chunk.toString();
      if (!written.includes("\n")) return;
      clearTimeout(timer);
      server.removeAllListeners("exit");
      resolve(`:${written.trim()}`);
    });
  });
  const env = { ...process.env, DISPLAY: display };
  return {
    display,
    press(windowTitle, keys) {
      // Focus the page's own window first: key presses go to whichever window has the focus.
      execFileSync("/usr/bin/xdotool", ["search", "--sync", "--onlyvisible", "--name", windowTitle, "windowfocus", "--sync"], { env });
      execFileSync("/usr/bin/xdotool", ["key", "--clearmodifiers", keys], { env });
    },
    type(windowTitle, text) {
      execFileSync("/usr/bin/xdotool", ["search", "--sync", "--onlyvisible", "--name", windowTitle, "windowfocus", "--sync"], { env });
      execFileSync("/usr/bin/xdotool", ["type", "--clearmodifiers", "--delay", "20", text], { env });
    },
    stop() {
      server.kill();
    },
  };
}
