import { AuditAction } from "../audit/audit-action";
import { Permission } from "../auth/permission";
import { commitChange } from "../core/record-change";
import type { ServiceContext } from "../core/service-context";
import { UserErrorCode, userError } from "../graphql/errors";
import type { Organization } from "../orgs/organization.entity";
import { AgreementAcceptance } from "./agreement-acceptance.entity";
import type { AcceptApiAgreement } from "./keys.inputs";

/** The version of the organisation's API agreement the user last accepted, or null. */
export async function acceptedAgreementVersion(
  ctx: Pick<ServiceContext, "em">,
  userId: string,
  organizationId: string,
): Promise<number | null> {
  const latest = await ctx.em.findOne(
    AgreementAcceptance,
    { user: userId, organization: organizationId },
    { orderBy: { version: "desc" }, fields: ["version"] },
  );
  return latest?.version ?? null;
}

/** Key creation is refused until the current version of the organisation's API agreement is accepted. */
export async function requireCurrentAgreement(ctx: Pick<ServiceContext, "em">, userId: string, organization: Organization) {
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
export async function acceptApiAgreement(ctx: ServiceContext, { organizationId }: AcceptApiAgreement): Promise<Organization> {
  const actor = ctx.authz.requireActor();
  await ctx.authz.require(organizationId, Permission.ORG_READ);
  const organization = await ctx.loaders.orgs.byId.load(organizationId);
  if (!organization) throw userError(UserErrorCode.NOT_FOUND, "Organization not found.");
  const version = organization.settings.agreementVersion;
  if ((await acceptedAgreementVersion(ctx, actor.userId, organizationId)) === version) return organization;
  await commitChange(ctx, async (em, record) => {
    em.create(AgreementAcceptance, { user: actor.userId, organization: organizationId, version, acceptedAt: ctx.clock.now() });
    record.change({
      action: AuditAction.AGREEMENT_ACCEPTED,
      organizationId,
      targetType: "Organization",
      targetId: organizationId,
      metadata: { version },
    });
  });
  return organization;
}
