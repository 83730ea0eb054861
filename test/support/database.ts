import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { dropDatabase, ensureDatabase, withDatabase } from "../../server/src/db/database-url";

/** A fresh, empty database on the run's PostgreSQL server, dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject("adminDatabaseUrl");
  const name = `latchkey_test_${randomBytes(6).toString("hex")}`;
  const url = withDatabase(adminUrl, name);
  await ensureDatabase(url);
  return { url, drop: () => dropDatabase(adminUrl, name) };
}
