// One share of the subscribers bench's graphql-ws clients, in a process of its own (forked with an
// IPC channel by subscribers.bench.test.ts). It opens `count` clients, subscribes each, tells the
// parent, and records when each receives its event on the clock every process shares:
// `performance.timeOrigin + performance.now()`.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { url, token, query, variables, count } = JSON.parse(process.argv[2]);
const CONNECT_BATCH = 100;

const clients = [];
const receivedAt = [];
let failures = 0;
let reported = false;

function send(message) {
  process.send?.(message);
}

function reportReceipts() {
  if (reported) return;
  reported = true;
  send({ type: "received", receivedAt });
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
  return new Promise((resolve) => {
    client.on("connected", () => {
      client.subscribe(
        { query, variables },
        {
          next: () => {
            receivedAt.push(performance.timeOrigin + performance.now());
            if (receivedAt.length === count) reportReceipts();
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
  if (message.type === "report") reportReceipts();
  if (message.type === "dispose") {
    await Promise.all(clients.map((client) => client.dispose()));
    process.exit(0);
  }
});

for (let start = 0; start < count; start += CONNECT_BATCH) {
  await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, count - start) }, openClient));
}
send({ type: "subscribed", subscribed: count - failures, failures });
