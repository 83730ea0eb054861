import "reflect-metadata";
import { Migrator } from "@mikro-orm/migrations";
import { defineConfig, MikroORM, type Options } from "@mikro-orm/postgresql";
import { ENTITIES } from "./entities";
import { MIGRATIONS } from "./migrations";

/**
 * How long a pooled connection may stay idle before it closes: long enough to last between the
 * bursts of a busy minute, since a new PostgreSQL connection costs a process and cold caches.
 */
export const IDLE_CONNECTION_MS = 60_000;

export function ormConfig(clientUrl: string, overrides: Partial<Options> = {}) {
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    migrations: {
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // Entities are loaded through DataLoaders, never implicitly: surprises in SQL count are bugs.
    forceUndefined: false,
    pool: { min: 0, max: 20, idleTimeoutMillis: IDLE_CONNECTION_MS },
    colors: false,
    ...overrides,
  });
}

export async function openOrm(clientUrl: string, overrides: Partial<Options> = {}) {
  return MikroORM.init(ormConfig(clientUrl, overrides));
}

export type Orm = MikroORM;
