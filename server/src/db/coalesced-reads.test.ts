import { describe, expect, it } from "vitest";
import { coalescedRowsById } from "./coalesced-reads";
import type { PreparedRead, StatementSource } from "./prepared-rows";

const READ: PreparedRead = { name: "things-by-id", text: "select id, name from things where id = any($1::uuid[])" };
const TABLE = new Map(["a", "b", "c"].map((id) => [id, { id, name: `Thing ${id}` }]));

/** A pool whose one connection answers READ from TABLE and records what each statement asked for. */
function recordingPool(failWith?: Error): StatementSource & { statements: string[][] } {
  const statements: string[][] = [];
  const connection = {
    async query({ values }: { values: readonly unknown[] }) {
      const ids = values[0] as string[];
      statements.push([...ids]);
      if (failWith) throw failWith;
      return { rows: ids.flatMap((id) => TABLE.get(id) ?? []) };
    },
  };
  const client = { acquireConnection: async () => connection, releaseConnection: () => undefined, emit: () => true };
  return { statements, getKnex: (() => ({ client })) as unknown as StatementSource["getKnex"] };
}

describe("coalescedRowsById", () => {
  it("sends the reads of one turn as one statement and gives each caller only the rows of its own IDs", async () => {
    const pool = recordingPool();
    const [first, second, missing] = await Promise.all([
      coalescedRowsById(pool, READ, ["a"]),
      coalescedRowsById(pool, READ, ["b", "a"]),
      coalescedRowsById(pool, READ, ["z"]),
    ]);
    expect(pool.statements).toEqual([["a", "b", "z"]]);
    expect(first).toEqual([TABLE.get("a")]);
    expect(second).toEqual([TABLE.get("b"), TABLE.get("a")]);
    expect(missing).toEqual([]);
  });

  it("reads again in a later turn: nothing is kept past the statement", async () => {
    const pool = recordingPool();
    await coalescedRowsById(pool, READ, ["a"]);
    await coalescedRowsById(pool, READ, ["a"]);
    expect(pool.statements).toEqual([["a"], ["a"]]);
  });

  it("never mixes the reads of two pools (two servers in one process)", async () => {
    const one = recordingPool();
    const other = recordingPool();
    await Promise.all([coalescedRowsById(one, READ, ["a"]), coalescedRowsById(other, READ, ["b"])]);
    expect({ one: one.statements, other: other.statements }).toEqual({ one: [["a"]], other: [["b"]] });
  });

  it("fails every caller of a statement that fails", async () => {
    const pool = recordingPool(new Error("connection lost"));
    const results = await Promise.allSettled([coalescedRowsById(pool, READ, ["a"]), coalescedRowsById(pool, READ, ["b"])]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
  });
});
