import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Orm, openOrm } from "../../server/src/db/orm";
import { DELETABLE_SQL, dueWarningsSql, EXPIRED_SQL, INACTIVE_SQL, warningHorizon } from "../../server/src/expiry/expiry-sweep";
import { KeyClock } from "../../server/src/expiry/key-warning.entity";
import { createTestDatabase } from "../support/database";
import { report } from "./report";

/**
 * The expiry sweep's queries against 1,000,000 keys in 100 organisations: finding everything due
 * must take under two seconds, and every candidate query must be served by an index (EXPLAIN).
 * (Acting on what is due is paced by the sweep's batches and is not what this measures.)
 */
const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
let orm: Orm;
let drop: () => Promise<void>;

const run = <Row = Record<string, unknown>>(text: string, bindings: Record<string, unknown> = {}) =>
  orm.em.getConnection().execute(orm.em.getKnex().raw(text, bindings)) as Promise<Row[]>;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  orm = await openOrm(database.url, { logger: () => undefined });
  await orm.migrator.up();
  await run(
    `insert into users (id, email, name, password_hash) values ('00000000-0000-7000-8000-000000000001', 'bench@example.test', 'Bench', 'x')`,
  );
  await run(
    `insert into organizations (id, name) select ('00000000-0000-7000-8000-' || lpad(g::text, 12, '0'))::uuid, 'Org ' || g from generate_series(1, 100) g`,
  );
  // Expiries spread over two years, last use over the past 80 days (inactivity is 90): a realistic share is due.
  await run(
    `insert into api_keys (id, organization_id, name, kind, state, masked_secret, mapped_user_id, scopes, expires_at, last_used_at, created_at, updated_at, allowed_cidrs)
     select gen_random_uuid(), ('00000000-0000-7000-8000-' || lpad((1 + g % 100)::text, 12, '0'))::uuid, 'key ' || g, 'SECRET', 'ACTIVE', 'lk_sk_…0000',
            '00000000-0000-7000-8000-000000000001', '{org:read}',
            now() + (random() * 730) * interval '1 day', now() - (random() * 80) * interval '1 day', now() - interval '200 days', now(), '{}'
     from generate_series(1, :keys) g`,
    { keys: KEYS },
  );
  await run("analyze");
}, 600_000);

afterAll(async () => {
  await orm?.close(true);
  await drop?.();
});

describe("expiry sweep at scale", () => {
  it("finds everything due among 1,000,000 keys in under 2 s, through indexes", async () => {
    const bindings = { now: new Date().toISOString(), batch: KEYS, clock: KeyClock.EXPIRY, horizon: await warningHorizon(orm.em.fork()) };
    const queries = {
      expiryWarnings: [dueWarningsSql(KeyClock.EXPIRY), { ...bindings, clock: KeyClock.EXPIRY }],
      inactivityWarnings: [dueWarningsSql(KeyClock.INACTIVITY), { ...bindings, clock: KeyClock.INACTIVITY }],
      expired: [EXPIRED_SQL, bindings],
      inactive: [INACTIVE_SQL, bindings],
      deletable: [DELETABLE_SQL, bindings],
    } as const;
    const found: Record<string, { rows: number; milliseconds: number; plan: string }> = {};
    const started = performance.now();
    for (const [name, [text, values]] of Object.entries(queries)) {
      const begin = performance.now();
      const [{ count }] = await run<{ count: number }>(`select count(*)::int as count from (${text}) as due`, values);
      const milliseconds = performance.now() - begin;
      const plan = (await run<{ "QUERY PLAN": string }>(`explain ${text}`, values)).map((row) => row["QUERY PLAN"]).join("\n");
      found[name] = { rows: count, milliseconds: Math.round(milliseconds), plan };
    }
    const findMilliseconds = performance.now() - started;

    await report("expiry-sweep-1m", {
      keys: KEYS,
      findMilliseconds: Math.round(findMilliseconds),
      found: Object.fromEntries(
        Object.entries(found).map(([name, entry]) => [name, { rows: entry.rows, milliseconds: entry.milliseconds }]),
      ),
    });
    for (const [name, entry] of Object.entries(found)) {
      expect(entry.plan, `${name} must not scan api_keys sequentially:\n${entry.plan}`).not.toMatch(/Seq Scan on api_keys/);
      expect(entry.plan, name).toMatch(/Index/);
    }
    expect(findMilliseconds).toBeLessThan(2000);
    expect(found.expiryWarnings.rows).toBeGreaterThan(0);
  });
});
