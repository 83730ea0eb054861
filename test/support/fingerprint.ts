import { Client } from "pg";

/**
 * Content hashes of every application table (the public schema), to assert that a refused request
 * wrote nothing at all: a row count misses updates, a hash of each table's rows does not.
 * One connection for many reads, as a fuzz run takes hundreds.
 */
export async function openFingerprints(databaseUrl: string, excluded: string[] = []) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const tables = await client.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
  );
  const select = tables.rows
    .map((row) => row.name)
    .filter((name) => !excluded.includes(name))
    .map((name) => `select '${name}' as name, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as hash from "${name}" t`)
    .join(" union all ");
  return {
    async read(): Promise<Record<string, string>> {
      const { rows } = await client.query<{ name: string; hash: string }>(select);
      return Object.fromEntries(rows.map((row) => [row.name, row.hash]));
    },
    close: () => client.end(),
  };
}

/** The tables' content hashes, read once. */
export async function tableFingerprints(databaseUrl: string, excluded: string[] = []): Promise<Record<string, string>> {
  const fingerprints = await openFingerprints(databaseUrl, excluded);
  try {
    return await fingerprints.read();
  } finally {
    await fingerprints.close();
  }
}
