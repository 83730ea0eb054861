import { Client } from "pg";

/**
 * Reads the test's database directly. Tests use it only to check what a user cannot see through
 * the API (that nothing was written, that no plaintext secret is stored), never to arrange state.
 */
export async function sql<T extends Record<string, unknown> = Record<string, unknown>>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Row counts of the given tables, to assert that a refused request wrote nothing. */
export async function rowCounts(databaseUrl: string, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await sql<{ count: string }>(databaseUrl, `select count(*) from "${table}"`);
    counts[table] = Number(row.count);
  }
  return counts;
}
