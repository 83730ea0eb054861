import "reflect-metadata";
import type { AddressInfo } from "node:net";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Config } from "./config";
import { configuredDatabase, type Database, openDatabase } from "./db/database";
import { latchkeySchema } from "./graphql/schema";
import { createHttpApp } from "./http/app";
import type { Logger } from "./observability/logger";
import { createMetrics, observeEventBus, observeEventListener } from "./observability/metrics";
import { createServices } from "./services";

export interface RunningLatchkey {
  url: string;
  graphqlUrl: string;
  database: Database;
  stop(): Promise<void>;
}

/** The composition root: config → database → services → schema → HTTP + WebSocket → listen. */
export async function startLatchkey(config: Config, log: Logger): Promise<RunningLatchkey> {
  const metrics = createMetrics();
  const database = await openDatabase({
    ...configuredDatabase(config, log),
    onStatement: () => metrics.statements.inc(),
  });
  const em = database.orm.em as EntityManager;
  let running: Awaited<ReturnType<typeof createServices>> | undefined;
  try {
    running = await createServices(config, log, em, database.url);
    const { eventListener } = running;
    observeEventListener(metrics, eventListener);
    observeEventBus(metrics, running.services.eventBus);
    const app = await createHttpApp({
      services: running.services,
      config,
      log,
      em,
      schema: await latchkeySchema(),
      metrics,
      // An instance that cannot hear other instances' events would serve revoked keys from its cache.
      isReady: async () => eventListener.connected && (await database.isReady()),
    });
    await app.fastify.listen({ port: config.port, host: config.host });
    const { port } = app.fastify.server.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
    running.services.accessTokens.useIssuer(config.publicUrl ?? url);
    const services = running;
    let stopping: Promise<void> | undefined;
    return {
      url,
      graphqlUrl: `${url}/graphql`,
      database,
      stop() {
        stopping ??= (async () => {
          await app.close();
          await services.close();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await running?.close();
    await database.close();
    throw error;
  }
}
