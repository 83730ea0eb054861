import type { EntityManager } from "@mikro-orm/postgresql";
import type { Task } from "graphile-worker";
import { serviceContext } from "../core/service-context";
import { EXPIRY_SWEEP_ORIGIN, sweepKeyDeadlines } from "../expiry/expiry-sweep";
import type { Logger } from "../observability/logger";
import type { WebhookDelivery } from "../webhooks/webhook-delivery";
import { WebhookAttemptTrigger } from "../webhooks/webhook-enums";
import { type DeliveryJob, eventIdsOf, type FanOutJob } from "../webhooks/webhook-jobs";
import { KEY_DEADLINES_TASK, type TaskName, WEBHOOK_DELIVERY_TASK, WEBHOOK_FAN_OUT_TASK } from "./task-names";

/** What the tasks use. */
export interface TaskDependencies {
  em: EntityManager;
  log: Logger;
  webhookDelivery: WebhookDelivery;
}

/**
 * Every task's handler, by name: a task name without a handler (or the reverse) does not compile.
 * The bodies live with their domains; these only adapt a job's payload to them.
 */
export function taskList({ em, log, webhookDelivery }: TaskDependencies): Record<TaskName, Task> {
  return {
    [KEY_DEADLINES_TASK]: async () => {
      const result = await sweepKeyDeadlines(serviceContext(em, { origin: EXPIRY_SWEEP_ORIGIN }));
      if (result.warnings || result.expired || result.disabled || result.deleted) log.info(result, "key deadlines swept");
    },
    [WEBHOOK_FAN_OUT_TASK]: async (payload) => {
      await webhookDelivery.fanOut(eventIdsOf(payload as FanOutJob));
    },
    [WEBHOOK_DELIVERY_TASK]: async (payload) => {
      const job = payload as DeliveryJob;
      await webhookDelivery.deliver([job.messageId], job.manual ? WebhookAttemptTrigger.MANUAL : WebhookAttemptTrigger.SCHEDULED);
    },
  };
}
