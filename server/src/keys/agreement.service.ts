import { z } from "zod";
import { recordAudit } from "../audit/audit.service";
import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import type { RequestContext } from "../graphql/context";
import { UserErrorCode, userError } from "../graphql/errors";
import { globalIdOf, parseInput } from "../graphql/validate";
import type { Organization } from "../orgs/organization.entity";
import { AgreementAcceptance } from "./agreement-acceptance.entity";

const acceptSchema = z.object({ organizationId: globalIdOf("Organization") });

/** The version of the organisation's API agreement the user last accepted, or null. */
export async function acceptedAgreementVersion(ctx: RequestContext, userId: string, organizationId: string): Promise<number | null> {
  const latest = await ctx.em.findOne(
    AgreementAcceptance,
    { user: userId, organization: organizationId },
    { orderBy: { version: "desc" }, fields: ["version"] },
  );
  return latest?.version ?? null;
}

/** Key creation is refused until the current version of the organisation's API agreement is accepted. */
export async function requireCurrentAgreement(ctx: RequestContext, userId: string, organization: Organization) {
  const accepted = await acceptedAgreementVersion(ctx, userId, organization.id);
  const current = organization.settings.agreementVersion;
  if (accepted !== current) {
    throw userError(
      UserErrorCode.AGREEMENT_REQUIRED,
      accepted === null
        ? "Accept the organization's API agreement before creating keys."
        : `The API agreement changed (version ${current}); accept it again before creating keys.`,
    );
  }
}

/** Accepts the organisation's current API agreement for the signed-in user. Accepting twice is harmless. */
export async function acceptApiAgreement(ctx: RequestContext, input: unknown): Promise<Organization> {
  const { organizationId } = parseInput(acceptSchema, input);
  const actor = ctx.authz.requireActor();
  await ctx.authz.require(organizationId, Permission.ORG_READ);
  const organization = await ctx.loaders.orgs.byId.load(organizationId);
  if (!organization) throw userError(UserErrorCode.NOT_FOUND, "Organization not found.");
  const version = organization.settings.agreementVersion;
  if ((await acceptedAgreementVersion(ctx, actor.userId, organizationId)) === version) return organization;
  await ctx.em.transactional(async (em) => {
    em.create(AgreementAcceptance, { user: actor.userId, organization: organizationId, version, acceptedAt: new Date() });
    recordAudit(em, ctx, {
      action: AuditAction.AGREEMENT_ACCEPTED,
      organizationId,
      targetType: "Organization",
      targetId: organizationId,
      metadata: { version },
    });
  });
  return organization;
}
