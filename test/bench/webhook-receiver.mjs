// A webhook receiver as its own process: answers 204 to every POST and counts deliveries per
// (path, webhook-id), so the benchmark can tell that every message arrived once. GET /stats reports.
import http from "node:http";

const seen = new Map();
let posts = 0;
let connections = 0;
const server = http.createServer((request, response) => {
  if (request.method === "GET") {
    const duplicates = [...seen.values()].filter((count) => count > 1).length;
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ posts, unique: seen.size, duplicates, connections }));
    return;
  }
  request.resume();
  request.on("end", () => {
    posts++;
    const id = request.headers["webhook-id"];
    if (id) seen.set(`${request.url} ${id}`, (seen.get(`${request.url} ${id}`) ?? 0) + 1);
    response.writeHead(204);
    response.end();
  });
});
server.on("connection", () => connections++);
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
