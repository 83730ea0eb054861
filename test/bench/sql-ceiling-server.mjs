// The ceiling for the GraphQL read benchmark: a plain Node `http` handler that answers
// `organization(id) { name locations { totalCount } }` with the JSON Latchkey gives, from ONE
// hand-written SQL statement over the same database. This is what a query compiler (PostGraphile,
// say) reduces such a read to; the bearer is checked against an in-memory map, so no
// authentication work is counted. CEILING_BEARERS is a JSON array of the bearers it accepts.
import http from "node:http";
import pg from "pg";

const bearers = new Set(JSON.parse(process.env.CEILING_BEARERS));
// As many connections as Latchkey's own pool (server/src/db/orm.ts).
const pool = new pg.Pool({ connectionString: process.env.CEILING_DATABASE_URL, max: 20 });
const READ = {
  name: "organization-read",
  text: `select o.name, (select count(*) from locations l where l.organization_id = o.id)::int as total
           from organizations o where o.id = $1`,
};

/** The database ID behind an `Organization` global ID (base64url of `Organization:uuid`), or null. */
function organizationId(globalId) {
  const decoded = Buffer.from(String(globalId), "base64url").toString("utf8");
  return decoded.startsWith("Organization:") ? decoded.slice("Organization:".length) : null;
}

function answer(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

const server = http.createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", async () => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !bearers.has(bearer)) return answer(response, 401, { errors: [{ message: "Unauthenticated" }] });
    const id = organizationId(JSON.parse(body).variables?.id);
    const rows = id ? (await pool.query({ ...READ, values: [id] })).rows : [];
    const organization = rows.length ? { name: rows[0].name, locations: { totalCount: rows[0].total } } : null;
    answer(response, 200, { data: { organization } });
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => pool.end().then(() => process.exit(0))));
