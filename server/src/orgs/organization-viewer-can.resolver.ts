import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from "type-graphql";
import { Permission } from "../auth/permission";
import type { RequestContext } from "../graphql/context";
import { keyCreationRefusal } from "../keys/key-creation-rules";
import { Organization } from "./organization.entity";

@ObjectType({
  description: "What the signed-in user (or API key) may do in this organisation, from the same rules the mutations apply.",
})
export class OrganizationViewerCan {
  @Field(() => Boolean, { description: "`createKey` (for the whole organisation) would not be refused for lack of rights." })
  createKey!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "Why `createKey` would be refused, in words for people; null when it would not be. The API agreement is not counted.",
  })
  createKeyRefusal!: string | null;

  @Field(() => Boolean, { description: "Holds `members:manage`: add and remove members, change their roles." })
  manageMembers!: boolean;

  @Field(() => Boolean, { description: "Holds `roles:manage`: create, change and delete custom roles." })
  manageRoles!: boolean;

  @Field(() => Boolean, { description: "Holds `webhooks:manage`: register and manage webhook endpoints." })
  manageWebhooks!: boolean;

  @Field(() => Boolean, { description: "Holds `org:manage`: rename the organisation and change its settings." })
  manageSettings!: boolean;

  @Field(() => Boolean, { description: "Holds `audit:read`: read the audit log." })
  readAuditLog!: boolean;
}

@Resolver(() => Organization)
export class OrganizationViewerCanResolver {
  @FieldResolver(() => OrganizationViewerCan, { description: "What you may do here; the mutations apply the same rules." })
  async viewerCan(@Root() organization: Organization, @Ctx() ctx: RequestContext): Promise<OrganizationViewerCan> {
    const [permissions, refusal] = await Promise.all([
      ctx.authz.permissionsIn(organization.id),
      ctx.actor ? keyCreationRefusal(ctx, organization) : null,
    ]);
    return {
      createKey: !!ctx.actor && !refusal,
      createKeyRefusal: ctx.actor ? (refusal?.message ?? null) : "Sign in first.",
      manageMembers: permissions.has(Permission.MEMBERS_MANAGE),
      manageRoles: permissions.has(Permission.ROLES_MANAGE),
      manageWebhooks: permissions.has(Permission.WEBHOOKS_MANAGE),
      manageSettings: permissions.has(Permission.ORG_MANAGE),
      readAuditLog: permissions.has(Permission.AUDIT_READ),
    };
  }
}
