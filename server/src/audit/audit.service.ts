import { Permission } from "../auth/permission";
import type { ServiceContext } from "../core/service-context";
import type { PageRequest } from "../graphql/connection";
import { findPage } from "../graphql/paged-query";
import type { AuditAction } from "./audit-action";
import { AuditEntry } from "./audit-entry.entity";

export interface AuditFilter {
  targetId?: string | null;
  actorUserId?: string | null;
  actorKeyId?: string | null;
  actorPlatformKeyId?: string | null;
  actions?: AuditAction[] | null;
  since?: Date | null;
  until?: Date | null;
}

/** Newest first. Returns null when the caller lacks `audit:read` (or is not a member). */
export async function listAuditEntries(ctx: ServiceContext, organizationId: string, filter: AuditFilter, page: PageRequest) {
  if (!(await ctx.authz.can(organizationId, Permission.AUDIT_READ))) return null;
  const where: Record<string, unknown> = { organizationId };
  if (filter.targetId) where.targetId = filter.targetId;
  if (filter.actorUserId) where.actorUserId = filter.actorUserId;
  if (filter.actorKeyId) where.actorKeyId = filter.actorKeyId;
  if (filter.actorPlatformKeyId) where.actorPlatformKeyId = filter.actorPlatformKeyId;
  if (filter.actions?.length) where.action = { $in: filter.actions };
  if (filter.since || filter.until) {
    where.occurredAt = { ...(filter.since && { $gte: filter.since }), ...(filter.until && { $lt: filter.until }) };
  }
  return findPage(ctx.em, AuditEntry, where, page, "desc");
}
