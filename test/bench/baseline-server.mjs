// The baseline for the verify benchmark: a bare Node `http` server answering the same JSON from an
// in-memory map. No framework, no database, no hashing: the ceiling a verify endpoint is measured against.
import http from "node:http";

const answer = JSON.parse(process.env.BASELINE_ANSWER);
const known = new Map([[process.env.BASELINE_KEY, answer]]);
const refused = { valid: false, code: "NOT_FOUND" };

const server = http.createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    const { key } = JSON.parse(body);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(known.get(key) ?? refused));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
