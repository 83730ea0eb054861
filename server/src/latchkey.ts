import type { AddressInfo } from "node:net";
import type { Config } from "./config";
import { type Database, openDatabase } from "./db/database";
import { latchkeySchema } from "./graphql/schema";
import { createHttpApp } from "./http/app";
import type { Logger } from "./observability/logger";
import { createMetrics } from "./observability/metrics";

export interface RunningLatchkey {
  url: string;
  graphqlUrl: string;
  database: Database;
  stop(): Promise<void>;
}

/** The composition root: config → database → schema → HTTP + WebSocket → listen. */
export async function startLatchkey(config: Config, log: Logger): Promise<RunningLatchkey> {
  const metrics = createMetrics();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPostgresPort,
    log,
    onStatement: () => metrics.statements.inc(),
  });
  try {
    const app = await createHttpApp({
      config,
      log,
      em: database.orm.em,
      schema: await latchkeySchema(),
      metrics,
      isReady: () => database.isReady(),
    });
    await app.fastify.listen({ port: config.port, host: config.host });
    const { port } = app.fastify.server.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
    let stopping: Promise<void> | undefined;
    return {
      url,
      graphqlUrl: `${url}/graphql`,
      database,
      stop() {
        stopping ??= (async () => {
          await app.close();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
