// Latchkey Elements: importing this module defines every element. One ES module, served by the
// server at /elements/v1/latchkey-elements.js (see server/src/http/elements.ts).

export { LatchkeyAuditLog } from "./audit/latchkey-audit-log";
export { LatchkeyConsole } from "./console/latchkey-console";
export { LatchkeyClient, type TokenSource } from "./core/client";
export { LatchkeyCopyButton } from "./core/copy-button";
export { FailureCode, LatchkeyFailure } from "./core/failure";
export { LatchkeyKeys } from "./keys/latchkey-keys";
export { LatchkeyMembers } from "./members/latchkey-members";
export { LatchkeyRoles } from "./roles/latchkey-roles";
export { LatchkeyOrganizationSettings } from "./settings/latchkey-organization-settings";
export { LatchkeyWebhookDeliveries } from "./webhooks/latchkey-webhook-deliveries";
export { LatchkeyWebhooks } from "./webhooks/latchkey-webhooks";
