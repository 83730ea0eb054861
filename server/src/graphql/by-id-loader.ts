import type { EntityName } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import DataLoader from "dataloader";

/**
 * A DataLoader of entities by primary key: one `WHERE id IN (…)` per batch, `null` for a missing key.
 * `em` gives the request's unit of work, made on first call (see `createLoaders`).
 */
export function byIdLoader<T extends { id: string }>(em: () => EntityManager, entity: EntityName<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await em().find(entity, { id: { $in: [...ids] } } as never);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * Loads a row the caller knows exists (a foreign key's target, read in the same request); its absence
 * is a bug, reported as one rather than hidden behind a non-null assertion.
 */
export async function loadOrFail<K, T>(loader: DataLoader<K, T | null>, id: K): Promise<T> {
  const row = await loader.load(id);
  if (row == null) throw new Error(`Expected row ${String(id)} to exist`);
  return row;
}
