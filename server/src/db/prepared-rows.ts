import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * A read on a request's hot path, as a named statement: PostgreSQL parses and plans it once per
 * pooled connection, and later runs send only its parameters.
 */
export interface PreparedRead {
  /**
   * Unique per SQL text: a connection that prepared a name runs that statement under it. Without a
   * name the statement is parsed and planned on every run (`boundRows`).
   */
  name?: string;
  /** SQL with `$1`, `$2`… placeholders. */
  text: string;
}

/** Where prepared reads get a connection: any entity manager (a request's fork or the root); none is forked for it. */
export type StatementSource = Pick<EntityManager, "getKnex">;

/** The part of a pooled `pg` client this module uses. */
interface PooledClient {
  query<Row>(config: { name?: string; text: string; values: readonly unknown[] }): Promise<{ rows: Row[] }>;
}

/**
 * The rows of a prepared read, on a connection from the ORM's own pool, outside any transaction
 * `source` may be in (as MikroORM's `execute` without a context). It skips knex's runner and MikroORM's
 * inlining, logging and timing, which on a one-row read cost more than the statement does.
 * The statement is still announced as knex's own are (its `query` event), so that
 * `latchkey_db_statements_total` counts every statement sent, whichever way it went.
 */
export async function preparedRows<Row>(source: StatementSource, read: PreparedRead, values: readonly unknown[]): Promise<Row[]> {
  const client = source.getKnex().client;
  const connection: PooledClient = await client.acquireConnection();
  try {
    client.emit("query", { sql: read.text, bindings: values, method: "raw" });
    return (await connection.query<Row>({ name: read.name, text: read.text, values })).rows;
  } finally {
    client.releaseConnection(connection);
  }
}
