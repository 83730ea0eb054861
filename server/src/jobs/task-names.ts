/**
 * graphile-worker task names: one constant each. The task list, the cron items and the TypeScript
 * that queues or rescues jobs import them; SQL that queues jobs (the fan-out trigger) spells them
 * out, and `jobs.test.ts` checks it against {@link TASK_QUEUED_BY}.
 */
export const KEY_DEADLINES_TASK = "latchkey_key_deadlines";
export const WEBHOOK_FAN_OUT_TASK = "latchkey_webhook_fan_out";
export const WEBHOOK_DELIVERY_TASK = "latchkey_webhook_delivery";

export type TaskName = typeof KEY_DEADLINES_TASK | typeof WEBHOOK_FAN_OUT_TASK | typeof WEBHOOK_DELIVERY_TASK;

/**
 * What queues each task: the cron schedule (`cron.ts`), a database trigger (SQL in a migration), or
 * our TypeScript. A task queued by a trigger must be named in that trigger, and a trigger may name
 * no other task.
 */
export const TASK_QUEUED_BY: Readonly<Record<TaskName, "cron" | "trigger" | "code">> = {
  [KEY_DEADLINES_TASK]: "cron",
  [WEBHOOK_FAN_OUT_TASK]: "trigger",
  [WEBHOOK_DELIVERY_TASK]: "code",
};

/** Every task name, in one list. */
export const TASK_NAMES = Object.keys(TASK_QUEUED_BY) as TaskName[];
