import type { EntityManager } from "@mikro-orm/postgresql";
import { preparedRows } from "./prepared-rows";

interface Numbered {
  text: string;
  placeholders: number;
}

/** Each statement's text with PostgreSQL's numbered placeholders, made once per text. */
const numberedTexts = new Map<string, Numbered>();

/**
 * `?` placeholders as `$1`, `$2`…, as knex numbers them: every `?` is one, so the statements passed
 * here write none of their own (in a comment, a string or a jsonb operator). A count of placeholders
 * that differs from the parameters' says one slipped in.
 */
function numbered(sql: string, parameters: number): string {
  let known = numberedTexts.get(sql);
  if (!known) {
    if (sql.includes("??")) throw new Error("boundRows takes `?` placeholders only");
    let placeholders = 0;
    known = { text: sql.replace(/\?/g, () => `$${++placeholders}`), placeholders };
    numberedTexts.set(sql, known);
  }
  if (known.placeholders !== parameters)
    throw new Error(`boundRows: the statement has ${known.placeholders} \`?\` placeholders for ${parameters} parameters`);
  return known.text;
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
  return preparedRows<Row>(em, { text: numbered(sql, params.length) }, params);
}
