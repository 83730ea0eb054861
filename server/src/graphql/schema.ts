import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { AuditEntryResolver, OrganizationAuditResolver } from "../audit/audit.resolver";
import { AuthResolver } from "../auth/auth.resolver";
import { PermissionCatalogueResolver } from "../auth/permission-catalogue.resolver";
import { KeyEventsResolver, KeyExpiringResolver, OrganizationKeyEventsResolver } from "../events/key-events.resolver";
import { KeyViewerCanResolver } from "../keys/key-viewer-can.resolver";
import { ApiKeyResolver } from "../keys/keys.resolver";
import { OrganizationKeysResolver } from "../keys/org-keys.resolver";
import { VerifyKeyResolver } from "../keys/verify.resolver";
import { MembershipResolver } from "../members/members.resolver";
import { MembershipViewerCanResolver } from "../members/membership-viewer-can.resolver";
import { NotificationsResolver } from "../notifications/notifications.resolver";
import { LocationResolver } from "../orgs/locations.resolver";
import { OrganizationViewerCanResolver } from "../orgs/organization-viewer-can.resolver";
import { OrganizationResolver } from "../orgs/orgs.resolver";
import { OrganizationLocationByExternalIdResolver, ProvisioningResolver } from "../provisioning/provisioning.resolver";
import { RoleViewerCanResolver } from "../roles/role-viewer-can.resolver";
import { RoleResolver } from "../roles/roles.resolver";
import { UserResolver } from "../users/user.resolver";
import { KeyHolderWebhooksResolver, OrganizationWebhooksResolver } from "../webhooks/org-webhooks.resolver";
import { WebhookMessageResolver } from "../webhooks/webhook-messages.resolver";
import { WebhookEndpointViewerCanResolver, WebhookEventTypesResolver } from "../webhooks/webhook-viewer-can.resolver";
import { WebhookEndpointResolver } from "../webhooks/webhooks.resolver";
import { refuseUnstorableInput } from "./input-guard";
// The keys' enums, registered apart from their declarations, which the verify listener's thread uses without type-graphql.
import "../keys/key-enums.graphql";
import { NodeResolver } from "./node.resolver";

export const RESOLVERS = [
  NodeResolver,
  AuthResolver,
  UserResolver,
  OrganizationResolver,
  LocationResolver,
  MembershipResolver,
  RoleResolver,
  RoleViewerCanResolver,
  MembershipViewerCanResolver,
  PermissionCatalogueResolver,
  AuditEntryResolver,
  OrganizationAuditResolver,
  ApiKeyResolver,
  OrganizationKeysResolver,
  VerifyKeyResolver,
  KeyViewerCanResolver,
  OrganizationViewerCanResolver,
  KeyEventsResolver,
  KeyExpiringResolver,
  OrganizationKeyEventsResolver,
  NotificationsResolver,
  OrganizationWebhooksResolver,
  KeyHolderWebhooksResolver,
  WebhookEndpointResolver,
  WebhookMessageResolver,
  WebhookEndpointViewerCanResolver,
  WebhookEventTypesResolver,
  ProvisioningResolver,
  OrganizationLocationByExternalIdResolver,
] as const;

/**
 * type-graphql insists on a PubSub, but every subscription here brings its own `subscribe` fed by
 * the EventBus (PostgreSQL LISTEN/NOTIFY), so topic-based publishing is deliberately unavailable.
 */
const NO_TOPIC_PUBSUB = {
  publish(): never {
    throw new Error("Record domain events through the outbox (commitChange or recordEvent in core/record-change), not a PubSub topic.");
  },
  subscribe(): never {
    throw new Error("Subscriptions use their own `subscribe` over the EventBus.");
  },
};

let built: Promise<GraphQLSchema> | undefined;

/**
 * The executable schema. Built once per process: type-graphql's metadata is global anyway. Every
 * argument is checked for text or dates no one can store before any resolver runs (see input-guard).
 */
export function latchkeySchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({ resolvers: [...RESOLVERS], validate: false, pubSub: NO_TOPIC_PUBSUB }).then(refuseUnstorableInput);
  return built;
}

/** The SDL committed as `schema/schema.graphql`: sorted, so diffs show real changes only. */
export async function latchkeySdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await latchkeySchema()))}\n`;
}
