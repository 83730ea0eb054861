import "reflect-metadata";
import type { AddressInfo } from "node:net";
import type { EntityManager } from "@mikro-orm/postgresql";
import { Authenticator } from "./auth/authenticate";
import type { Config } from "./config";
import { type Database, openDatabase } from "./db/database";
import { EventListener } from "./events/event-listener";
import { KEY_INVALIDATING_EVENTS } from "./events/events";
import type { AppServices } from "./graphql/context";
import { latchkeySchema } from "./graphql/schema";
import { createHttpApp } from "./http/app";
import { FailedAttempts } from "./keys/failed-attempts";
import { loadKeyCrypto } from "./keys/key-material";
import { KeyVerifier } from "./keys/key-verifier";
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
  const keyCrypto = await loadKeyCrypto(config, log);
  const em = database.orm.em as EntityManager;
  const keyVerifier = new KeyVerifier(em, keyCrypto, config.keyCacheSeconds * 1000, config.keyUsageFlushSeconds * 1000);
  const failedAttempts = new FailedAttempts();
  const services: AppServices = {
    keyCrypto,
    keyVerifier,
    failedAttempts,
    authenticator: new Authenticator(em, keyVerifier, failedAttempts),
  };
  // Key changes on any instance evict this instance's cached verifications within a NOTIFY's time.
  const events = new EventListener(database.url, log);
  events.onEvent((notice) => {
    if (notice.subjectId && KEY_INVALIDATING_EVENTS.has(notice.type)) keyVerifier.evict(notice.subjectId);
  });
  try {
    await events.start();
    const app = await createHttpApp({
      services,
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
          await events.close();
          await keyVerifier.close();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await events.close();
    await keyVerifier.close();
    await database.close();
    throw error;
  }
}
