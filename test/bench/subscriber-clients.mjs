// One share of the subscribers bench's graphql-ws clients, in a process of its own (forked with an
// IPC channel by subscribers.bench.test.ts). It opens `count` clients, subscribes each, tells the
// parent, and records when each receives each event on the clock every process shares:
// `performance.timeOrigin + performance.now()`. Events come in order, so a client's nth message is
// the nth event; once every client has heard one, its receipts go to the parent.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { url, token, query, variables, count } = JSON.parse(process.argv[2]);
const CONNECT_BATCH = 100;

const clients = [];
/** Receipt times by event: `receipts[n]` holds when each client heard the nth event. */
const receipts = [];
const reported = new Set();
let failures = 0;

function send(message) {
  process.send?.(message);
}

function reportReceipts(event) {
  if (reported.has(event)) return;
  reported.add(event);
  send({ type: "received", event, receivedAt: receipts[event] ?? [] });
}

function openClient() {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
  clients.push(client);
  let heard = 0;
  return new Promise((resolve) => {
    client.on("connected", () => {
      client.subscribe(
        { query, variables },
        {
          next: () => {
            const at = performance.timeOrigin + performance.now();
            const event = heard++;
            receipts[event] ??= [];
            receipts[event].push(at);
            if (receipts[event].length === count) reportReceipts(event);
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      resolve(true);
    });
    client.on("error", () => {
      failures++;
      resolve(false);
    });
  });
}

process.on("message", async (message) => {
  if (message.type === "report") reportReceipts(message.event);
  if (message.type === "dispose") {
    await Promise.all(clients.map((client) => client.dispose()));
    process.exit(0);
  }
});

for (let start = 0; start < count; start += CONNECT_BATCH) {
  await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, count - start) }, openClient));
}
send({ type: "subscribed", subscribed: count - failures, failures });
