// The baselines for the verify benchmark: bare Node `http` servers answering the same JSON from an
// in-memory map. No framework, no database. `node baseline-server.mjs` looks the key itself up (no
// hashing); `node baseline-server.mjs hmac` first computes the key's HMAC-SHA256 under a pepper and
// looks up the digest, which is the cryptographic work verify must do: the honest ceiling for a
// verify endpoint. It hashes with Latchkey's own HMAC code (server/dist, as KeyCrypto does), so that
// the ceiling is no easier to reach than the hashing allows. The two modes differ in that one line.
//
// `node baseline-server.mjs hmac latchkey-sized` is the hashing server in a process as large as
// Latchkey's: it first loads Latchkey's modules and builds its GraphQL schema, and keeps them, then
// serves exactly as `hmac` does. Against `hmac` it shows what the size of the process alone costs a
// request (the same code runs slower in a bigger heap); against Latchkey, what verify's own code costs.
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import { createRequire } from "node:module";
import { hmacSha256Hex } from "../../server/dist/keys/hmac-sha256.js";

const hashing = process.argv[2] === "hmac";
if (process.argv[3] === "latchkey-sized") {
  const requireFromServer = createRequire(new URL("../../server/package.json", import.meta.url));
  requireFromServer("reflect-metadata");
  const { latchkeySchema } = requireFromServer("./dist/graphql/schema.js");
  globalThis.latchkeyModules = { app: requireFromServer("./dist/latchkey.js"), schema: await latchkeySchema() };
}
const pepper = randomBytes(32);
const digest = hmacSha256Hex(pepper);
if (digest("check") !== createHmac("sha256", pepper).update("check").digest("hex")) throw new Error("not HMAC-SHA256");
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
