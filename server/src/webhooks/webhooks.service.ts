import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { EventType, publishEvent } from "../events/events";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, userError } from "../graphql/errors";
import { toGlobalId } from "../graphql/global-id";
import { globalIdOf, parseInput } from "../graphql/validate";
import { manageableEndpoint, requireEnabledEndpoint } from "./webhook-access";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookEndpointStatus } from "./webhook-enums";
import { isEventTypePattern, WEBHOOK_EVENT_TYPES } from "./webhook-event-types";
import { enqueueDeliveries } from "./webhook-jobs";
import { releaseHeldOf } from "./webhook-messages";
import { newSigningSecret } from "./webhook-signing";

/** How long the secret before a rotation keeps signing, so receivers can switch without a gap. */
const PREVIOUS_SECRET_HOURS = 24;

const urlSchema = z.string().trim().min(1, "must not be empty").max(2000, "must be at most 2000 characters");
const descriptionSchema = z.string().trim().max(500, "must be at most 500 characters");
const eventTypesSchema = z
  .array(z.string().trim())
  .min(1, "must name at least one event type (or `*`)")
  .max(50, "must name at most 50 event types")
  .refine((types) => types.every(isEventTypePattern), {
    message: `must be \`*\`, \`<entity>.*\` or known event types: ${WEBHOOK_EVENT_TYPES.join(", ")}`,
  })
  .transform((types) => [...new Set(types)]);
const createSchema = z.object({
  organizationId: globalIdOf("Organization"),
  locationId: globalIdOf("Location").nullish(),
  url: urlSchema,
  description: descriptionSchema.nullish(),
  eventTypes: eventTypesSchema,
});
const updateSchema = z.object({
  id: globalIdOf("WebhookEndpoint"),
  url: urlSchema.nullish(),
  description: descriptionSchema.nullish(),
  eventTypes: eventTypesSchema.nullish(),
});
const idSchema = z.object({ id: globalIdOf("WebhookEndpoint") });

export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  signingSecret: string;
}

/** The URL as it is stored and delivered to (WHATWG URL's normalised form), or a userError why not. */
async function requireTarget(ctx: RequestContext, rawUrl: string): Promise<string> {
  const { url, refusal } = await ctx.services.webhookTargets.check(rawUrl);
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

/** Audits a change to an endpoint in the change's transaction. */
function audit(
  em: EntityManager,
  ctx: RequestContext,
  endpoint: WebhookEndpoint,
  action: AuditAction,
  metadata: Record<string, unknown> = {},
) {
  recordAudit(em, ctx, {
    action,
    organizationId: endpoint.organization.id,
    targetType: "WebhookEndpoint",
    targetId: endpoint.id,
    metadata,
  });
}

export async function createWebhookEndpoint(ctx: RequestContext, input: unknown): Promise<EndpointWithSecret> {
  const parsed = parseInput(createSchema, input);
  const actor = ctx.authz.requireActor();
  const locationId = parsed.locationId ?? null;
  await ctx.authz.require(parsed.organizationId, Permission.WEBHOOKS_MANAGE, "Organization", locationId);
  if (locationId) {
    const location = await ctx.loaders.orgs.locationById.load(locationId);
    if (!location || location.organization.id !== parsed.organizationId)
      throw userError(UserErrorCode.NOT_FOUND, "Location not found.", ["locationId"]);
  }
  if (locationId) requireLocationEventTypes(parsed.eventTypes);
  const url = await requireTarget(ctx, parsed.url);
  const signingSecret = newSigningSecret();
  return ctx.em.transactional(async (em) => {
    const endpoint = em.create(WebhookEndpoint, {
      organization: parsed.organizationId,
      location: locationId,
      createdBy: actor.userId,
      url,
      description: parsed.description ?? "",
      eventTypes: parsed.eventTypes,
      sealedSecret: ctx.services.keyCrypto.seal(signingSecret),
    });
    em.persist(endpoint);
    audit(em, ctx, endpoint, AuditAction.WEBHOOK_CREATED, { url: endpoint.url, eventTypes: endpoint.eventTypes });
    return { endpoint, signingSecret };
  });
}

export async function updateWebhookEndpoint(ctx: RequestContext, input: unknown): Promise<WebhookEndpoint> {
  const parsed = parseInput(updateSchema, input);
  const endpoint = await manageableEndpoint(ctx, parsed.id);
  if (endpoint.location && parsed.eventTypes) requireLocationEventTypes(parsed.eventTypes);
  const url = parsed.url ? await requireTarget(ctx, parsed.url) : null;
  return ctx.em.transactional(async (em) => {
    if (url) endpoint.url = url;
    if (parsed.description != null) endpoint.description = parsed.description;
    if (parsed.eventTypes) endpoint.eventTypes = parsed.eventTypes;
    em.persist(endpoint);
    audit(em, ctx, endpoint, AuditAction.WEBHOOK_UPDATED, { url: endpoint.url, eventTypes: endpoint.eventTypes });
    return endpoint;
  });
}

/** Pause: events are kept, not sent, until resumed. */
export async function pauseWebhookEndpoint(ctx: RequestContext, input: unknown): Promise<WebhookEndpoint> {
  const endpoint = await manageableEndpoint(ctx, parseInput(idSchema, input).id);
  if (endpoint.status !== WebhookEndpointStatus.ENABLED) {
    throw userError(UserErrorCode.INVALID_STATE, `Only enabled endpoints can be paused; this one is ${endpoint.status.toLowerCase()}.`, [
      "id",
    ]);
  }
  return ctx.em.transactional(async (em) => {
    endpoint.status = WebhookEndpointStatus.PAUSED;
    em.persist(endpoint);
    audit(em, ctx, endpoint, AuditAction.WEBHOOK_PAUSED);
    return endpoint;
  });
}

/**
 * Resume a paused endpoint (its kept messages go out now) or one Latchkey disabled (a fresh start:
 * what was cancelled can be sent with `recoverWebhookMessages`).
 */
export async function resumeWebhookEndpoint(ctx: RequestContext, input: unknown): Promise<WebhookEndpoint> {
  const endpoint = await manageableEndpoint(ctx, parseInput(idSchema, input).id);
  if (endpoint.status === WebhookEndpointStatus.ENABLED)
    throw userError(UserErrorCode.INVALID_STATE, "This endpoint is already enabled.", ["id"]);
  await requireTarget(ctx, endpoint.url);
  return ctx.em.transactional(async (em) => {
    endpoint.status = WebhookEndpointStatus.ENABLED;
    endpoint.disabledReason = null;
    endpoint.failingSince = null;
    em.persist(endpoint);
    await em.flush();
    const held = await releaseHeldOf(em, endpoint.id);
    await enqueueDeliveries(em, held);
    audit(em, ctx, endpoint, AuditAction.WEBHOOK_RESUMED, { heldMessages: held.length });
    return endpoint;
  });
}

/** A new signing secret; the old one keeps signing too for 24 hours (both signatures are sent). */
export async function rotateWebhookSecret(ctx: RequestContext, input: unknown): Promise<EndpointWithSecret> {
  const endpoint = await manageableEndpoint(ctx, parseInput(idSchema, input).id);
  const signingSecret = newSigningSecret();
  const previousSecretExpiresAt = new Date(Date.now() + PREVIOUS_SECRET_HOURS * 3_600_000);
  await ctx.em.transactional(async (em) => {
    // One statement, so that of two concurrent rotations the second keeps the first's secret as previous.
    await em.execute(
      "update webhook_endpoints set previous_sealed_secret = sealed_secret, previous_secret_expires_at = ?, sealed_secret = ? where id = ?",
      [previousSecretExpiresAt, ctx.services.keyCrypto.seal(signingSecret), endpoint.id],
    );
    audit(em, ctx, endpoint, AuditAction.WEBHOOK_SECRET_ROTATED, { previousSecretValidUntil: previousSecretExpiresAt.toISOString() });
  });
  await ctx.em.refresh(endpoint);
  return { endpoint, signingSecret };
}

export async function deleteWebhookEndpoint(ctx: RequestContext, input: unknown): Promise<string> {
  const endpoint = await manageableEndpoint(ctx, parseInput(idSchema, input).id);
  await ctx.em.transactional(async (em) => {
    audit(em, ctx, endpoint, AuditAction.WEBHOOK_DELETED, { url: endpoint.url });
    em.remove(endpoint);
  });
  return endpoint.id;
}

/** Sends a `webhook.test` event to this endpoint only, through the same queue as every event. */
export async function sendTestWebhook(ctx: RequestContext, input: unknown): Promise<WebhookEndpoint> {
  const endpoint = await manageableEndpoint(ctx, parseInput(idSchema, input).id);
  requireEnabledEndpoint(endpoint);
  await ctx.em.transactional(async (em) => {
    publishEvent(em, {
      type: EventType.WEBHOOK_TEST,
      organizationId: endpoint.organization.id,
      subjectId: endpoint.id,
      payload: { endpointId: toGlobalId("WebhookEndpoint", endpoint.id), message: "A test event from Latchkey." },
    });
    audit(em, ctx, endpoint, AuditAction.WEBHOOK_TEST_SENT);
  });
  return endpoint;
}
