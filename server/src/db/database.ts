import { runMigrations, Logger as WorkerLogger } from "graphile-worker";
import type { Config } from "../config";
import type { Logger } from "../observability/logger";
import { ensureDatabase, withDatabase } from "./database-url";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "./embedded-postgres";
import { type Orm, openOrm } from "./orm";

/** knex's log hooks, into our JSON log. */
function knexLog(log: Logger) {
  const write = (level: "debug" | "warn" | "error") => (message: unknown) => log[level]({ component: "knex" }, String(message));
  return { debug: write("debug"), warn: write("warn"), error: write("error"), deprecate: write("warn") };
}

const silentWorkerLogger = new WorkerLogger(() => () => undefined);

export interface Database {
  orm: Orm;
  url: string;
  /** Migrations applied and the server answers. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Connects to `DATABASE_URL`, or starts the embedded PostgreSQL in the data directory when it is
 * unset, creates the database if needed and applies every committed migration.
 */
/** Where the configuration says the database is: a server's URL, or the embedded one's folder and port. */
export function configuredDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir" | "embeddedPostgresPort">,
  log: Logger,
): Parameters<typeof openDatabase>[0] {
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedPostgresPort, log };
}

export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPort: number;
  log: Logger;
  onStatement?: () => void;
}): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, port: options.embeddedPort, log: options.log });
    url = withDatabase(embedded.adminUrl, "latchkey");
  }
  try {
    await ensureDatabase(url);
    // The job queue's own schema first: our migrations and triggers enqueue jobs into it.
    await runMigrations({ connectionString: url, logger: silentWorkerLogger });
    const orm = await openOrm(url, {
      logger: (message) => options.log.debug({ component: "orm" }, message),
      // knex would print its warnings (such as a pooled connection lost in an outage) to the console.
      driverOptions: { log: knexLog(options.log) },
    });
    if (options.onStatement) orm.em.getKnex().on("query", options.onStatement);
    const applied = await orm.migrator.up();
    if (applied.length) options.log.info({ migrations: applied.map((migration) => migration.name) }, "migrations applied");
    return {
      orm,
      url,
      async isReady() {
        await orm.em.getConnection().execute("select 1");
        return (await orm.migrator.getPendingMigrations()).length === 0;
      },
      async close() {
        await orm.close(true);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** Applies pending migrations and exits: the `migrate` command. */
export async function migrateOnly(options: Parameters<typeof openDatabase>[0]): Promise<void> {
  const database = await openDatabase(options);
  await database.close();
}
