import { registerEnumType } from "type-graphql";

export enum WebhookEndpointStatus {
  ENABLED = "ENABLED",
  /** Paused by a person: events are kept and delivered on resume. */
  PAUSED = "PAUSED",
  /** Switched off by Latchkey after `410 Gone` or days of failures; nothing is kept until resumed. */
  DISABLED = "DISABLED",
}

export enum WebhookMessageStatus {
  PENDING = "PENDING",
  DELIVERING = "DELIVERING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
  CANCELLED = "CANCELLED",
}

export enum WebhookAttemptTrigger {
  SCHEDULED = "SCHEDULED",
  MANUAL = "MANUAL",
}

registerEnumType(WebhookEndpointStatus, {
  name: "WebhookEndpointStatus",
  description: "Whether an endpoint receives events.",
  valuesConfig: {
    ENABLED: { description: "Receives events." },
    PAUSED: { description: "Paused by a person: events are kept and delivered on resume." },
    DISABLED: { description: "Switched off by Latchkey after `410 Gone` or days of failures; events are not kept until resumed." },
  },
});
registerEnumType(WebhookMessageStatus, {
  name: "WebhookMessageStatus",
  description: "Where one event's delivery to one endpoint stands.",
  valuesConfig: {
    PENDING: { description: "Waiting for its next attempt (or for the endpoint to be resumed)." },
    DELIVERING: { description: "An attempt is in flight." },
    SUCCEEDED: { description: "The endpoint answered 2xx." },
    FAILED: { description: "Every attempt failed, or the endpoint answered `410 Gone`." },
    CANCELLED: { description: "Not delivered because the endpoint was disabled." },
  },
});
registerEnumType(WebhookAttemptTrigger, { name: "WebhookAttemptTrigger", description: "What caused an attempt." });
