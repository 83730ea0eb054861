import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A provider's settings page, as a user would paste a key into: labelled inputs, on 127.0.0.1. The
 * API key field says nothing of which half it wants; the OAuth fields do (by name and type). The
 * page records every key and input event it hears, as a page spying on its visitors would, in
 * `window.heardEvents` (type and target), for the tests that prove the palette's typing is not heard.
 */
const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Provider settings</title>
  <style>body { font: 16px sans-serif; margin: 40px; } input { width: 420px; padding: 6px; } label { display: block; margin: 8px 0; }</style></head>
  <body>
    <h1>Webhook settings</h1>
    <label>API key <input id="api-key" name="apiKey" autocomplete="off"></label>
    <label>OAuth client ID <input id="client-id" name="client_id" autocomplete="off"></label>
    <label>OAuth client secret <input id="client-secret" name="client_secret" type="password" autocomplete="off"></label>
    <script>
      window.heardEvents = [];
      for (const type of ["keydown", "keyup", "keypress", "beforeinput", "input", "message"]) {
        for (const target of [window, document]) {
          target.addEventListener(type, (event) => {
            window.heardEvents.push({ type, key: event.key || null, target: event.target && event.target.id || null });
          }, true);
        }
      }
    </script>
  </body>
</html>`;

export async function startTestPage(): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/settings`,
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
