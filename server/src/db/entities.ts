import { AuditEntry } from "../audit/audit-entry.entity";
import { Session } from "../auth/session.entity";
import { DomainEvent } from "../events/domain-event.entity";
import { KeyWarning } from "../expiry/key-warning.entity";
import { WorkerBeat } from "../jobs/worker-beat.entity";
import { AgreementAcceptance } from "../keys/agreement-acceptance.entity";
import { ApiKey } from "../keys/api-key.entity";
import { KeySecret } from "../keys/key-secret.entity";
import { Membership } from "../members/membership.entity";
import { Notification } from "../notifications/notification.entity";
import { Location } from "../orgs/location.entity";
import { Organization } from "../orgs/organization.entity";
import { OrganizationSettings } from "../orgs/organization-settings";
import { PlatformKey } from "../platform/platform-key.entity";
import { Role } from "../roles/role.entity";
import { User } from "../users/user.entity";
import { UserIdentity } from "../users/user-identity.entity";
import { WebhookAttempt } from "../webhooks/webhook-attempt.entity";
import { WebhookEndpoint } from "../webhooks/webhook-endpoint.entity";
import { WebhookMessage } from "../webhooks/webhook-message.entity";

/** Every entity, listed once: MikroORM discovers nothing by globbing folders. */
export const ENTITIES = [
  User,
  UserIdentity,
  Session,
  Organization,
  OrganizationSettings,
  Location,
  Role,
  Membership,
  AuditEntry,
  ApiKey,
  KeySecret,
  AgreementAcceptance,
  DomainEvent,
  KeyWarning,
  Notification,
  WebhookEndpoint,
  WebhookMessage,
  WebhookAttempt,
  PlatformKey,
  WorkerBeat,
];
