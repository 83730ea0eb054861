import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../server/src/db/embedded-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server on which each test file creates (and drops) its own database. */
    adminDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL server for the whole run: the one `DATABASE_URL` names, or else a throwaway
 * embedded one. Test files then create their own databases on it and run in parallel.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide("adminDatabaseUrl", process.env.DATABASE_URL);
    return;
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-test-pg-"));
  const embedded = await startEmbeddedPostgres({ dataDir, port: 0, persistent: false });
  project.provide("adminDatabaseUrl", embedded.adminUrl);
  return async () => {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
