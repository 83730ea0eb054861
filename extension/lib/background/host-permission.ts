import { browser } from "wxt/browser";
import { FailureCode, LatchkeyFailure } from "../failures";
import { parseServerUrl } from "../session";

/**
 * The permission pattern for one server, as the options page requests it and the background checks
 * it. Without the port: match patterns have none in Firefox, which refuses `http://127.0.0.1:4000/*`
 * as "not declared in the manifest"; a port-less pattern covers every port in both browsers.
 */
export function serverOrigins(serverUrlInput: string): string[] {
  const { protocol, hostname } = new URL(parseServerUrl(serverUrlInput));
  return [`${protocol}//${hostname}/*`];
}

/**
 * Local servers are in `host_permissions`; any other server is an optional permission the options
 * page requests at sign-in (a request needs the click's user gesture, which the background lacks).
 */
export async function ensureHostPermission(serverUrlInput: string): Promise<void> {
  const origins = serverOrigins(serverUrlInput);
  if (await browser.permissions.contains({ origins })) return;
  throw new LatchkeyFailure(
    FailureCode.HOST_PERMISSION_DENIED,
    `The extension needs permission to reach ${origins[0]}; allow it when asked.`,
  );
}
