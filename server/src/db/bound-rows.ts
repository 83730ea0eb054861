import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * The rows of one SQL statement whose parameters (`?`) travel as bound parameters, outside any
 * transaction `em` may be in. MikroORM's `execute` inlines parameters into the SQL text, escaping
 * each on the way; for a hot path that sends a batch as one large JSON or array parameter, that
 * costs more than the statement does. Values come back as the connection parses them.
 */
export async function boundRows<Row>(
  em: EntityManager,
  sql: string,
  params: readonly (string | number | boolean | null)[],
): Promise<Row[]> {
  const result = await em.getKnex().raw<{ rows: Row[] }>(sql, params);
  return result.rows;
}
