// A webhook receiver as its own process: answers 204 to every POST and counts deliveries per
// (path, webhook-id), so the benchmark can tell that every message arrived once. GET /stats reports.
import http from "node:http";

const seen = new Map();
let posts = 0;
let connections = 0;
// Connections open now: the bench measures the ceiling only once Latchkey's keep-alive ones closed.
let open = 0;
// Kept as they happen: the bench polls /stats while the deliveries arrive.
let duplicates = 0;
const server = http.createServer((request, response) => {
  if (request.method === "GET") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ posts, unique: seen.size, duplicates, connections, open }));
    return;
  }
  request.resume();
  request.on("end", () => {
    posts++;
    const id = request.headers["webhook-id"];
    if (id) {
      const key = `${request.url} ${id}`;
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      if (count === 2) duplicates++;
    }
    response.writeHead(204);
    response.end();
  });
});
server.on("connection", (socket) => {
  connections++;
  open++;
  socket.once("close", () => open--);
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
