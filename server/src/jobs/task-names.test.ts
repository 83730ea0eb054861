import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/database";
import { sql } from "../../../test/support/sql";
import { migrateOnly } from "../db/database";
import { createLogger } from "../observability/logger";
import { CRON_ITEMS } from "./cron";
import { TASK_NAMES, TASK_QUEUED_BY } from "./task-names";

let database: { url: string; drop: () => Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
  await migrateOnly({ databaseUrl: database.url, dataDir: "unused", embeddedPort: 0, log: createLogger({ logLevel: "silent" }) });
});
afterAll(() => database?.drop());

interface TriggerFunction extends Record<string, unknown> {
  trigger: string;
  enabled: string;
  definition: string;
}

/** Every trigger on our tables whose function queues a job, with that function's SQL as PostgreSQL holds it. */
async function jobQueueingTriggers(): Promise<TriggerFunction[]> {
  return sql<TriggerFunction>(
    database.url,
    `select t.tgname as trigger, t.tgenabled as enabled, pg_get_functiondef(t.tgfoid) as definition
       from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and n.nspname = 'public'
        and pg_get_functiondef(t.tgfoid) like '%graphile_worker.add_job%'`,
  );
}

/** The task names a function's SQL queues: the first argument of each `add_job` call. */
function queuedTaskNames(definition: string): string[] {
  const calls = [...definition.matchAll(/graphile_worker\.add_job\s*\(\s*([^,)]*)/g)];
  return calls.map(([, argument]) => {
    const literal = /^'([^']*)'$/.exec(argument.trim());
    if (!literal) throw new Error(`a trigger queues a job whose task name is not a literal: ${argument}`);
    return literal[1];
  });
}

describe("job task names", () => {
  it("every task a trigger queues is a registered task, and every task meant for a trigger is queued by one", async () => {
    const triggers = await jobQueueingTriggers();
    expect(triggers.length).toBeGreaterThan(0);
    const fromTriggers = triggers.flatMap((trigger) => queuedTaskNames(trigger.definition));
    expect(fromTriggers.length).toBeGreaterThanOrEqual(triggers.length);
    for (const name of fromTriggers) expect(TASK_NAMES).toContain(name);
    const meantForTriggers = TASK_NAMES.filter((name) => TASK_QUEUED_BY[name] === "trigger");
    expect([...new Set(fromTriggers)].sort()).toEqual(meantForTriggers.sort());
    // "O" is origin/local: the trigger fires on ordinary inserts.
    for (const trigger of triggers)
      expect({ trigger: trigger.trigger, enabled: trigger.enabled }).toEqual({ trigger: trigger.trigger, enabled: "O" });
  });

  it("the cron schedule runs exactly the tasks meant for it", () => {
    const meantForCron = TASK_NAMES.filter((name) => TASK_QUEUED_BY[name] === "cron");
    expect(CRON_ITEMS.map((item) => item.task).sort()).toEqual(meantForCron.sort());
  });

  it("names every task distinctly and under the latchkey_ prefix that graphile_worker.jobs shares with nothing else", () => {
    expect(new Set(TASK_NAMES).size).toBe(TASK_NAMES.length);
    for (const name of TASK_NAMES) expect(name).toMatch(/^latchkey_[a-z_]+$/);
  });
});
