import "reflect-metadata";
import type { AddressInfo } from "node:net";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Config } from "./config";
import { configuredDatabase, type Database, openDatabase } from "./db/database";
import { latchkeySchema } from "./graphql/schema";
import { createHttpApp } from "./http/app";
import { listenUrl } from "./http/listen-url";
import type { Logger } from "./observability/logger";
import { createMetrics, observeEventBus, observeEventListener } from "./observability/metrics";
import { createServices } from "./services";
import { startVerifyListener } from "./verify-listener/verify-listener";

export interface RunningLatchkey {
  url: string;
  graphqlUrl: string;
  /** The verify listener's address (`VERIFY_PORT`), or null when none runs. */
  verifyUrl: string | null;
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
    const verifyListener =
      config.verifyPort === undefined
        ? null
        : await startVerifyListener({ ...running.keyVerification, config, log }).catch(async (error) => {
            await app.close();
            throw error;
          });
    const { port } = app.fastify.server.address() as AddressInfo;
    const url = listenUrl(config.host, port);
    running.services.accessTokens.useIssuer(config.publicUrl ?? url);
    const services = running;
    let stopping: Promise<void> | undefined;
    return {
      url,
      graphqlUrl: `${url}/graphql`,
      verifyUrl: verifyListener?.url ?? null,
      database,
      stop() {
        stopping ??= (async () => {
          await Promise.all([verifyListener?.close(), app.close()]);
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
