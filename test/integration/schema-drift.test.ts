import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Orm, openOrm } from "../../server/src/db/orm";
import { latchkeySdl } from "../../server/src/graphql/schema";
import { createTestDatabase } from "../support/database";

describe("the committed contracts", () => {
  it("schema/schema.graphql is exactly what the server builds (run `pnpm schema:emit` after changing the API)", async () => {
    const committed = await readFile(path.resolve(__dirname, "../../schema/schema.graphql"), "utf8");
    expect(await latchkeySdl()).toBe(committed);
  });

  describe("migrations", () => {
    let orm: Orm;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const database = await createTestDatabase();
      drop = database.drop;
      orm = await openOrm(database.url, { logger: () => undefined });
      await orm.migrator.up();
    });
    afterAll(async () => {
      await orm?.close(true);
      await drop?.();
    });

    it("produce exactly the schema the entities describe, so no change ships without a migration", async () => {
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
      expect(diff.trim()).toBe("");
    });

    it("leave nothing pending", async () => {
      expect(await orm.migrator.getPendingMigrations()).toEqual([]);
    });
  });
});
