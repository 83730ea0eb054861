import type { EntityManager } from "@mikro-orm/postgresql";
import { preparedRows } from "./prepared-rows";

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
 * large JSON or array parameter, that costs more than the statement does. It goes as an unnamed
 * `preparedRows` statement, skipping knex's runner and still counted by `latchkey_db_statements_total`.
 * Values come back as the connection parses them.
 */
export async function boundRows<Row>(
  em: EntityManager,
  sql: string,
  params: readonly (string | number | boolean | null)[],
): Promise<Row[]> {
  return preparedRows<Row>(em, { text: numbered(sql) }, params);
}
