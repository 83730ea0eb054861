import { type PreparedRead, preparedRows, type StatementSource } from "./prepared-rows";

/** A read by IDs whose rows carry their ID. */
type RowWithId = { id: string };

interface Waiting {
  ids: readonly string[];
  resolve(rows: RowWithId[]): void;
  reject(error: unknown): void;
}

interface Batch {
  source: StatementSource;
  waiting: Waiting[];
}

/** Batches being gathered, per connection pool (the knex client) and read: two servers in one process never share one. */
const gathering = new WeakMap<object, Map<PreparedRead, Batch>>();

/**
 * The rows of `read` (one `$1::uuid[]` parameter, rows with an `id` column) for `ids`, sent together
 * with the same read of every other request in this turn of the event loop, as one statement.
 * Under load several requests arrive in one poll of the sockets; each would otherwise send its own
 * statement, and writing to PostgreSQL's socket (with the loopback's delivery that the kernel does
 * in the sender's time) cost a fifth of such a read's CPU. Nothing is kept past the statement: each
 * request gets only the rows of its own IDs, read no earlier than it asked (a request's loaders still
 * cache per request, see createLoaders). Callers check permissions before they ask, as for any read.
 */
export function coalescedRowsById<Row extends RowWithId>(
  source: StatementSource,
  read: PreparedRead,
  ids: readonly string[],
): Promise<Row[]> {
  const pool = source.getKnex().client as object;
  const known = gathering.get(pool);
  const reads = known ?? new Map<PreparedRead, Batch>();
  if (!known) gathering.set(pool, reads);
  let batch = reads.get(read);
  if (!batch) {
    const started: Batch = { source, waiting: [] };
    batch = started;
    reads.set(read, started);
    // After the poll phase: every request whose sockets were ready in this turn has asked by then.
    setImmediate(() => {
      reads.delete(read);
      void send(read, started);
    });
  }
  const waiting = batch.waiting;
  return new Promise<RowWithId[]>((resolve, reject) => waiting.push({ ids, resolve, reject })) as Promise<Row[]>;
}

async function send(read: PreparedRead, { source, waiting }: Batch): Promise<void> {
  const ids = waiting.length === 1 ? (waiting[0]?.ids ?? []) : [...new Set(waiting.flatMap((entry) => entry.ids))];
  let rows: RowWithId[];
  try {
    rows = await preparedRows<RowWithId>(source, read, [ids]);
  } catch (error) {
    for (const entry of waiting) entry.reject(error);
    return;
  }
  if (waiting.length === 1) {
    waiting[0]?.resolve(rows);
    return;
  }
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const entry of waiting) {
    const own: RowWithId[] = [];
    for (const id of entry.ids) {
      const row = byId.get(id);
      if (row) own.push(row);
    }
    entry.resolve(own);
  }
}
