import type { EntityManager } from "@mikro-orm/postgresql";
import { Permission } from "../auth/permission";
import type { PageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { findPage } from "../graphql/paged-query";
import type { AuditAction } from "./audit-action";
import { AuditEntry } from "./audit-entry.entity";

export interface AuditRecord {
  action: AuditAction;
  organizationId: string | null;
  targetType: string;
  targetId: string;
  reason?: string | null;
  metadata?: Record<string, unknown>;
  /** Overrides the request's actor, e.g. on sign-up where the actor is the new user. */
  actorUserId?: string | null;
}

/**
 * Adds an entry to the audit log through `em`, which should be the transaction of the change it
 * records: the entry and the change commit together or not at all.
 */
export function recordAudit(em: EntityManager, ctx: Pick<RequestContext, "actor" | "origin">, record: AuditRecord): void {
  em.persist(
    em.create(AuditEntry, {
      action: record.action,
      organizationId: record.organizationId,
      targetType: record.targetType,
      targetId: record.targetId,
      reason: record.reason ?? null,
      metadata: record.metadata ?? {},
      actorUserId: record.actorUserId !== undefined ? record.actorUserId : (ctx.actor?.userId ?? null),
      actorKeyId: ctx.actor?.key?.keyId ?? null,
      ipAddress: ctx.origin.ipAddress,
      userAgent: ctx.origin.userAgent,
      requestId: ctx.origin.requestId,
      occurredAt: new Date(),
    }),
  );
}

export interface AuditFilter {
  targetId?: string | null;
  actorUserId?: string | null;
  actions?: AuditAction[] | null;
  since?: Date | null;
  until?: Date | null;
}

/** Newest first. Returns null when the caller lacks `audit:read` (or is not a member). */
export async function listAuditEntries(ctx: RequestContext, organizationId: string, filter: AuditFilter, page: PageRequest) {
  if (!(await ctx.authz.can(organizationId, Permission.AUDIT_READ))) return null;
  const where: Record<string, unknown> = { organizationId };
  if (filter.targetId) where.targetId = filter.targetId;
  if (filter.actorUserId) where.actorUserId = filter.actorUserId;
  if (filter.actions?.length) where.action = { $in: filter.actions };
  if (filter.since || filter.until) {
    where.occurredAt = { ...(filter.since && { $gte: filter.since }), ...(filter.until && { $lt: filter.until }) };
  }
  return findPage(ctx.em, AuditEntry, where, page, "desc");
}
