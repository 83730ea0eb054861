import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { commitChange, type Recorder } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { EventType } from "../events/events";
import { UserErrorCode, userError } from "../graphql/errors";
import type { KeyCrypto } from "../keys/key-crypto";
import { manageableEndpoint, requireEnabledEndpoint } from "./webhook-access";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookEndpointStatus } from "./webhook-enums";
import { enqueueDeliveries } from "./webhook-jobs";
import { releaseHeldOf } from "./webhook-messages";
import { newSigningSecret } from "./webhook-signing";
import type { WebhookTargets } from "./webhook-targets";
import type { CreateWebhookEndpoint, UpdateWebhookEndpoint, WebhookEndpointId } from "./webhooks.inputs";

/** How long the secret before a rotation keeps signing, so receivers can switch without a gap. */
const PREVIOUS_SECRET_HOURS = 24;

export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  signingSecret: string;
}

/** The URL as it is stored and delivered to (WHATWG URL's normalised form), or a userError why not. */
async function requireTarget(webhookTargets: WebhookTargets, rawUrl: string): Promise<string> {
  const { url, refusal } = await webhookTargets.check(rawUrl);
  if (refusal !== null) throw userError(UserErrorCode.INVALID_INPUT, `url: ${refusal}`, ["url"]);
  if (url.length > 2000) throw userError(UserErrorCode.INVALID_INPUT, "url: must be at most 2000 characters", ["url"]);
  return url;
}

/** Only key events concern a location; member and webhook events would never reach its endpoint. */
function requireLocationEventTypes(eventTypes: string[]) {
  const unreachable = eventTypes.filter((type) => type !== "*" && !type.startsWith("key."));
  if (unreachable.length) {
    throw userError(
      UserErrorCode.INVALID_INPUT,
      `eventTypes: a location's endpoint receives key events only, not ${unreachable.join(", ")}`,
      ["eventTypes"],
    );
  }
}

/** Records a change to an endpoint (its audit entry and, if any, its event) in the change's transaction. */
function recordEndpointChange(
  record: Recorder,
  endpoint: WebhookEndpoint,
  action: AuditAction,
  metadata: Record<string, unknown> = {},
  event?: { type: EventType; payload: Record<string, unknown> },
) {
  record.change({
    action,
    organizationId: endpoint.organization.id,
    targetType: "WebhookEndpoint",
    targetId: endpoint.id,
    metadata,
    event,
  });
}

export async function createWebhookEndpoint(
  ctx: ServiceContext,
  input: CreateWebhookEndpoint,
  keyCrypto: KeyCrypto,
  webhookTargets: WebhookTargets,
): Promise<EndpointWithSecret> {
  const actor = ctx.authz.requireActor();
  const locationId = input.locationId ?? null;
  await ctx.authz.require(input.organizationId, Permission.WEBHOOKS_MANAGE, "Organization", locationId);
  if (locationId) {
    const location = await ctx.loaders.orgs.locationById.load(locationId);
    if (!location || location.organization.id !== input.organizationId)
      throw userError(UserErrorCode.NOT_FOUND, "Location not found.", ["locationId"]);
  }
  if (locationId) requireLocationEventTypes(input.eventTypes);
  const url = await requireTarget(webhookTargets, input.url);
  const signingSecret = newSigningSecret();
  return commitChange(ctx, async (em, record) => {
    const endpoint = em.create(WebhookEndpoint, {
      organization: input.organizationId,
      location: locationId,
      createdBy: actor.userId,
      url,
      description: input.description ?? "",
      eventTypes: input.eventTypes,
      sealedSecret: keyCrypto.seal(signingSecret),
    });
    em.persist(endpoint);
    recordEndpointChange(record, endpoint, AuditAction.WEBHOOK_CREATED, { url: endpoint.url, eventTypes: endpoint.eventTypes });
    return { endpoint, signingSecret };
  });
}

export async function updateWebhookEndpoint(
  ctx: ServiceContext,
  input: UpdateWebhookEndpoint,
  webhookTargets: WebhookTargets,
): Promise<WebhookEndpoint> {
  const endpoint = await manageableEndpoint(ctx, input.id);
  if (endpoint.location && input.eventTypes) requireLocationEventTypes(input.eventTypes);
  const url = input.url ? await requireTarget(webhookTargets, input.url) : null;
  return commitChange(ctx, async (em, record) => {
    if (url) endpoint.url = url;
    if (input.description != null) endpoint.description = input.description;
    if (input.eventTypes) endpoint.eventTypes = input.eventTypes;
    em.persist(endpoint);
    recordEndpointChange(record, endpoint, AuditAction.WEBHOOK_UPDATED, { url: endpoint.url, eventTypes: endpoint.eventTypes });
    return endpoint;
  });
}

/** Pause: events are kept, not sent, until resumed. */
export async function pauseWebhookEndpoint(ctx: ServiceContext, { id }: WebhookEndpointId): Promise<WebhookEndpoint> {
  const endpoint = await manageableEndpoint(ctx, id);
  if (endpoint.status !== WebhookEndpointStatus.ENABLED) {
    throw userError(UserErrorCode.INVALID_STATE, `Only enabled endpoints can be paused; this one is ${endpoint.status.toLowerCase()}.`, [
      "id",
    ]);
  }
  return commitChange(ctx, async (em, record) => {
    endpoint.status = WebhookEndpointStatus.PAUSED;
    em.persist(endpoint);
    recordEndpointChange(record, endpoint, AuditAction.WEBHOOK_PAUSED);
    return endpoint;
  });
}

/**
 * Resume a paused endpoint (its kept messages go out now) or one Latchkey disabled (a fresh start:
 * what was cancelled can be sent with `recoverWebhookMessages`).
 */
export async function resumeWebhookEndpoint(
  ctx: ServiceContext,
  { id }: WebhookEndpointId,
  webhookTargets: WebhookTargets,
): Promise<WebhookEndpoint> {
  const endpoint = await manageableEndpoint(ctx, id);
  if (endpoint.status === WebhookEndpointStatus.ENABLED)
    throw userError(UserErrorCode.INVALID_STATE, "This endpoint is already enabled.", ["id"]);
  await requireTarget(webhookTargets, endpoint.url);
  return commitChange(ctx, async (em, record) => {
    endpoint.status = WebhookEndpointStatus.ENABLED;
    endpoint.disabledReason = null;
    endpoint.failingSince = null;
    em.persist(endpoint);
    await em.flush();
    const held = await releaseHeldOf(em, endpoint.id);
    await enqueueDeliveries(em, held);
    recordEndpointChange(record, endpoint, AuditAction.WEBHOOK_RESUMED, { heldMessages: held.length });
    return endpoint;
  });
}

/** A new signing secret; the old one keeps signing too for 24 hours (both signatures are sent). */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
  { id }: WebhookEndpointId,
  keyCrypto: KeyCrypto,
): Promise<EndpointWithSecret> {
  const endpoint = await manageableEndpoint(ctx, id);
  const signingSecret = newSigningSecret();
  const previousSecretExpiresAt = new Date(ctx.clock.now().getTime() + PREVIOUS_SECRET_HOURS * 3_600_000);
  await commitChange(ctx, async (em, record) => {
    // One statement, so that of two concurrent rotations the second keeps the first's secret as previous.
    await em.execute(
      "update webhook_endpoints set previous_sealed_secret = sealed_secret, previous_secret_expires_at = ?, sealed_secret = ? where id = ?",
      [previousSecretExpiresAt, keyCrypto.seal(signingSecret), endpoint.id],
    );
    recordEndpointChange(record, endpoint, AuditAction.WEBHOOK_SECRET_ROTATED, {
      previousSecretValidUntil: previousSecretExpiresAt.toISOString(),
    });
  });
  await ctx.em.refresh(endpoint);
  return { endpoint, signingSecret };
}

export async function deleteWebhookEndpoint(ctx: ServiceContext, { id }: WebhookEndpointId): Promise<string> {
  const endpoint = await manageableEndpoint(ctx, id);
  await commitChange(ctx, async (em, record) => {
    recordEndpointChange(record, endpoint, AuditAction.WEBHOOK_DELETED, { url: endpoint.url });
    em.remove(endpoint);
  });
  return endpoint.id;
}

/** Sends a `webhook.test` event to this endpoint only, through the same queue as every event. */
export async function sendTestWebhook(ctx: ServiceContext, { id }: WebhookEndpointId): Promise<WebhookEndpoint> {
  const endpoint = await manageableEndpoint(ctx, id);
  requireEnabledEndpoint(endpoint);
  await commitChange(ctx, async (_tx, record) => {
    recordEndpointChange(
      record,
      endpoint,
      AuditAction.WEBHOOK_TEST_SENT,
      {},
      {
        type: EventType.WEBHOOK_TEST,
        payload: { endpointId: endpoint.id, message: "A test event from Latchkey." },
      },
    );
  });
  return endpoint;
}
