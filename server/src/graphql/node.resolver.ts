import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { AuditEntry } from "../audit/audit-entry.entity";
import { Permission } from "../auth/permission";
import { readableKey } from "../keys/key-access";
import { Notification } from "../notifications/notification.entity";
import { readableLocation } from "../orgs/locations.service";
import { readableOrganization } from "../orgs/orgs.service";
import { visibleMembershipsOf } from "../users/users.service";
import { mayManageEndpoint } from "../webhooks/webhook-access";
import { WebhookEndpoint } from "../webhooks/webhook-endpoint.entity";
import { WebhookMessage } from "../webhooks/webhook-message.entity";
import type { RequestContext } from "./context";
import { badUserInput } from "./errors";
import { fromGlobalId } from "./global-id";
import { Node } from "./node";

type Fetch = (ctx: RequestContext, id: string) => Promise<Node | null>;

/** How each type is refetched, with the same visibility rules as everywhere else. */
const fetchers: Record<string, Fetch> = {
  Organization: readableOrganization,
  Location: readableLocation,
  Membership: async (ctx, id) => {
    const membership = await ctx.loaders.members.byId.load(id);
    return membership && (await ctx.authz.can(membership.organization.id, Permission.ORG_READ)) ? membership : null;
  },
  Role: async (ctx, id) => {
    const role = await ctx.loaders.roles.byId.load(id);
    return role && (await ctx.authz.can(role.organization.id, Permission.ORG_READ)) ? role : null;
  },
  User: async (ctx, id) => {
    const sharesAnOrganization = id === ctx.actor?.userId || (await visibleMembershipsOf(ctx, id)).length > 0;
    return sharesAnOrganization ? ctx.loaders.users.byId.load(id) : null;
  },
  ApiKey: readableKey,
  Notification: async (ctx, id) => {
    const notification = await ctx.em.findOne(Notification, { id });
    return notification && notification.user.id === ctx.actor?.userId ? notification : null;
  },
  WebhookEndpoint: async (ctx, id) => {
    const endpoint = await ctx.em.findOne(WebhookEndpoint, { id });
    return endpoint && (await mayManageEndpoint(ctx, endpoint)) ? endpoint : null;
  },
  WebhookMessage: async (ctx, id) => {
    const message = await ctx.em.findOne(WebhookMessage, { id }, { populate: ["endpoint"] });
    return message && (await mayManageEndpoint(ctx, message.endpoint)) ? message : null;
  },
  AuditEntry: async (ctx, id) => {
    const entry = await ctx.em.findOne(AuditEntry, { id });
    const organizationId = entry?.organizationId;
    return organizationId && (await ctx.authz.can(organizationId, Permission.AUDIT_READ)) ? entry : null;
  },
};

async function fetchNode(ctx: RequestContext, globalId: string): Promise<Node | null> {
  const parsed = fromGlobalId(globalId);
  const fetch = parsed && fetchers[parsed.typeName];
  return fetch ? fetch(ctx, parsed.id) : null;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global ID; null when it does not exist or you may not see it." })
  node(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext) {
    ctx.authz.requireActor();
    return fetchNode(ctx, id);
  }

  @Query(() => [Node], { nullable: "items", description: "Several objects by global ID, in the order asked (at most 100)." })
  nodes(@Arg("ids", () => [ID]) ids: string[], @Ctx() ctx: RequestContext) {
    ctx.authz.requireActor();
    if (ids.length > 100) throw badUserInput("Ask for at most 100 IDs at once.");
    return Promise.all(ids.map((id) => fetchNode(ctx, id)));
  }
}
