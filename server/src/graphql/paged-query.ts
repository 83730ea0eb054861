import type { EntityName, FilterQuery } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import DataLoader from "dataloader";
import { LazyPage, Page, type PageRequest } from "./connection";

/** One page of a top-level list, by keyset on `id` (UUIDv7, so creation order). Never OFFSET. */
export async function findPage<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  page: PageRequest,
  direction: "asc" | "desc" = "asc",
): Promise<Page<T>> {
  const keyset = page.afterId ? { id: { [direction === "asc" ? "$gt" : "$lt"]: page.afterId } } : {};
  const rows = await em.find(entity, { $and: [where, keyset] } as FilterQuery<T>, {
    orderBy: { id: direction } as never,
    limit: page.first + 1,
  });
  return new Page(rows, page.first, () => em.count(entity, where));
}

/**
 * DataLoaders for a list nested under many parents (an organisation's locations, say): every parent
 * asking for the same page shape is answered by ONE windowed statement, and every count by one
 * GROUP BY, whatever the number of parents. A page is read only when its items are asked for, and a
 * count not at all when the parent's own load brought it (`primeCount`).
 */
export function childPagesLoader<T extends { id: string }>(
  em: () => EntityManager,
  entity: EntityName<T>,
  table: string,
  parentColumn: string,
) {
  const counts = new DataLoader<string, number>(async (parentIds) => {
    const rows: Array<{ parent: string; count: string }> = await em()
      .getKnex()
      .from(table)
      .select({ parent: parentColumn })
      .count({ count: "*" })
      .whereIn(parentColumn, [...parentIds])
      .groupBy(parentColumn);
    const byParent = new Map(rows.map((row) => [row.parent, Number(row.count)]));
    return parentIds.map((id) => byParent.get(id) ?? 0);
  });

  const fetchShape = async (parentIds: string[], { first, afterId }: PageRequest): Promise<Map<string, T[]>> => {
    const knex = em().getKnex();
    const inner = knex
      .from(table)
      .select("*", knex.raw("row_number() over (partition by ?? order by id) as page_position", [parentColumn]))
      .whereIn(parentColumn, parentIds);
    if (afterId) inner.where("id", ">", afterId);
    const rows: Array<Record<string, unknown>> = await knex
      .from(inner.as("ranked"))
      .where("page_position", "<=", first + 1)
      .orderBy("id");
    const grouped = new Map<string, T[]>();
    for (const { page_position: _position, ...row } of rows) {
      const parent = String(row[parentColumn]);
      grouped.set(parent, [...(grouped.get(parent) ?? []), em().map(entity, row as never)]);
    }
    return grouped;
  };

  const shapeOf = (page: PageRequest) => `${page.first}|${page.afterId ?? ""}`;

  const pages = new DataLoader<{ parentId: string; page: PageRequest }, Page<T>, string>(
    async (requests) => {
      // Parents asking for the same page shape (the usual case) share one statement.
      const shapes = new Map<string, { page: PageRequest; parentIds: string[] }>();
      for (const { parentId, page } of requests) {
        const shape = shapes.get(shapeOf(page)) ?? { page, parentIds: [] };
        shape.parentIds.push(parentId);
        shapes.set(shapeOf(page), shape);
      }
      const results = new Map<string, Map<string, T[]>>();
      for (const [key, { page, parentIds }] of shapes) results.set(key, await fetchShape(parentIds, page));
      return requests.map(
        ({ parentId, page }) => new Page(results.get(shapeOf(page))?.get(parentId) ?? [], page.first, () => counts.load(parentId)),
      );
    },
    { cacheKeyFn: ({ parentId, page }) => `${parentId}|${shapeOf(page)}` },
  );

  return {
    load(parentId: string, page: PageRequest): LazyPage<T> {
      return new LazyPage(
        () => pages.load({ parentId, page }),
        () => counts.load(parentId),
      );
    },
    /** The whole list's size, read along with the parent: `totalCount` then costs no statement. */
    primeCount(parentId: string, count: number): void {
      counts.clear(parentId).prime(parentId, count);
    },
    /** Forgets a count this request read, after a change to the list. */
    forgetCount(parentId: string): void {
      counts.clear(parentId);
    },
  };
}
