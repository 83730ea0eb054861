import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A provider's settings page, as a user would paste a key into: one labelled input, on 127.0.0.1. */
const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Provider settings</title>
  <style>body { font: 16px sans-serif; margin: 40px; } input { width: 420px; padding: 6px; }</style></head>
  <body>
    <h1>Webhook settings</h1>
    <label>API key <input id="api-key" name="apiKey" autocomplete="off"></label>
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
