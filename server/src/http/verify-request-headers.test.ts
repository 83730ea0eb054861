import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyRequestHeaders } from "./verify-request-headers";

/** Requests as Node parses them off the wire, so that `rawHeaders` and `headers` are Node's own. */
let server: http.Server;
let next: (request: IncomingMessage) => void = () => undefined;
beforeAll(async () => {
  server = http.createServer((request, response) => {
    next(request);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw header lines and hands back the request as the server saw it. */
function received(headerLines: string[]): Promise<IncomingMessage> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    next = resolve;
    const request = http.request({ port, host: "127.0.0.1", method: "POST", path: "/v1/keys/verify", agent: false });
    for (const line of headerLines) {
      const [name, value] = line.split(": ");
      // appendHeader keeps repeated names apart, as a client may send them.
      request.appendHeader(name as string, value as string);
    }
    request.on("error", reject);
    request.on("response", (response) => response.resume());
    request.end("{}");
  });
}

describe("verifyRequestHeaders", () => {
  it.each([
    [["Content-Type: application/json", "X-Request-Id: abc-1", "Origin: https://crm.example.test"]],
    [["content-type: application/json; charset=utf-8"]],
    [["CONTENT-TYPE: text/plain", "Content-Type: application/json"]],
    [["x-request-id: one", "X-REQUEST-ID: two", "origin: https://a.example.test", "Origin: https://b.example.test"]],
    [["X-Forwarded-For: 10.0.0.1", "Accept-Language: en", "Content-Length-X: 3"]],
    [[]],
  ])("reads %j as request.headers does", async (lines) => {
    const request = await received(lines);
    const fromRaw = verifyRequestHeaders(request.rawHeaders);
    expect(fromRaw).toEqual({
      contentType: request.headers["content-type"],
      requestId: request.headers["x-request-id"],
      origin: request.headers.origin,
    });
  });
});
