// The baselines for the verify benchmark: bare Node `http` servers answering the same JSON from an
// in-memory map. No framework, no database. `node baseline-server.mjs` looks the key itself up (no
// hashing); `node baseline-server.mjs hmac` first computes the key's HMAC-SHA256 under a pepper and
// looks up the digest, which is the cryptographic work verify must do (see key-crypto.ts): the
// honest ceiling for a verify endpoint. The two modes differ in that one line and nothing else.
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";

const hashing = process.argv[2] === "hmac";
const pepper = randomBytes(32);
const digest = (key) => createHmac("sha256", pepper).update(key).digest("hex");
const lookupKey = hashing ? digest : (key) => key;

const answer = JSON.parse(process.env.BASELINE_ANSWER);
const known = new Map([[lookupKey(process.env.BASELINE_KEY), answer]]);
const refused = { valid: false, code: "NOT_FOUND" };

const server = http.createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    const { key } = JSON.parse(body);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(known.get(lookupKey(key)) ?? refused));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
