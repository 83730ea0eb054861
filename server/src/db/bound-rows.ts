import type { EntityManager } from "@mikro-orm/postgresql";

/** The part of a pooled `pg` client this module uses. */
interface PooledClient {
  query<Row>(config: { text: string; values: readonly unknown[] }): Promise<{ rows: Row[] }>;
}

/** Each statement's text with PostgreSQL's numbered placeholders, made once per text. */
const numberedTexts = new Map<string, string>();

/** `?` placeholders as `$1`, `$2`…; the statements passed here write no `?` of their own (no `??`, no jsonb `?` operators). */
function numbered(sql: string): string {
  const known = numberedTexts.get(sql);
  if (known !== undefined) return known;
  if (sql.includes("??")) throw new Error("boundRows takes `?` placeholders only");
  let position = 0;
  const text = sql.replace(/\?/g, () => `$${++position}`);
  numberedTexts.set(sql, text);
  return text;
}

/**
 * The rows of one SQL statement whose parameters (`?`) travel as bound parameters, on a connection
 * of the ORM's own pool, outside any transaction `em` may be in. MikroORM's `execute` inlines
 * parameters into the SQL text, escaping each on the way; for a hot path that sends a batch as one
 * large JSON or array parameter, that costs more than the statement does. Like `preparedRows`, it
 * skips knex's runner too, and still announces the statement as knex's own are (its `query` event),
 * so that `latchkey_db_statements_total` counts it. Values come back as the connection parses them.
 */
export async function boundRows<Row>(
  em: EntityManager,
  sql: string,
  params: readonly (string | number | boolean | null)[],
): Promise<Row[]> {
  const text = numbered(sql);
  const client = em.getKnex().client;
  const connection: PooledClient = await client.acquireConnection();
  try {
    client.emit("query", { sql, bindings: params, method: "raw" });
    return (await connection.query<Row>({ text, values: params })).rows;
  } finally {
    client.releaseConnection(connection);
  }
}
