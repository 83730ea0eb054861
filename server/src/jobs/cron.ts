import type { CronItem } from "graphile-worker";
import { KEY_DEADLINES_TASK, type TaskName } from "./task-names";

/** A cron item whose task is one of ours. */
export interface LatchkeyCronItem extends CronItem {
  task: TaskName;
}

/**
 * The recurring jobs. graphile-worker schedules each tick once across all instances (the
 * `identifier` names the schedule in its `known_crontabs`), so every instance may run the worker.
 */
export const CRON_ITEMS: readonly LatchkeyCronItem[] = [
  // Every minute; a missed tick is not made up (the next sweep catches up) and a failed one is not
  // retried (the next tick is a minute away).
  { task: KEY_DEADLINES_TASK, match: "* * * * *", identifier: "key_deadlines", options: { backfillPeriod: 0, maxAttempts: 1 } },
];
