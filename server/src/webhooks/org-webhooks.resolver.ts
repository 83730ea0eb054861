import { Args, ArgsType, Ctx, Extensions, Field, FieldResolver, ID, Resolver, Root } from "type-graphql";
import { Connection, ConnectionArgs, pageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { optionalIdArgument } from "../graphql/id-arguments";
import { listMaximum } from "../graphql/operation-cost";
import { KeyHolder } from "../keys/org-keys.resolver";
import { Organization } from "../orgs/organization.entity";
import { endpointVisibility } from "./webhook-access";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { WebhookEndpointStatus } from "./webhook-enums";
import { MAX_ENDPOINTS_PER_HOLDER } from "./webhooks.loaders";
import { listEndpoints } from "./webhooks.queries";

const WebhookEndpointConnection = Connection("WebhookEndpoint", () => WebhookEndpoint, "A page of webhook endpoints, oldest first.");

@ArgsType()
class EndpointListArgs extends ConnectionArgs {
  @Field(() => [WebhookEndpointStatus], { nullable: true })
  statuses?: WebhookEndpointStatus[] | null;

  @Field(() => ID, { nullable: true, description: "Only endpoints this user registered (admins only; others see only their own)." })
  createdById?: string | null;
}

@Resolver(() => Organization)
export class OrganizationWebhooksResolver {
  @FieldResolver(() => WebhookEndpointConnection, {
    nullable: true,
    description: "Webhook endpoints: your own with `webhooks:manage`, everyone's with `org:manage` too.",
  })
  webhookEndpoints(@Root() organization: Organization, @Args(() => EndpointListArgs) args: EndpointListArgs, @Ctx() ctx: RequestContext) {
    const filter = { statuses: args.statuses, createdById: optionalIdArgument(args.createdById, "User", "createdById") };
    return listEndpoints(ctx, organization.id, filter, pageRequest(args));
  }
}

@Resolver(() => KeyHolder)
export class KeyHolderWebhooksResolver {
  @FieldResolver(() => [WebhookEndpoint], {
    nullable: true,
    description: `The endpoints this member registered, oldest first: at most ${MAX_ENDPOINTS_PER_HOLDER}. For admins with \`webhooks:manage\` and \`org:manage\`.`,
  })
  @Extensions(listMaximum(MAX_ENDPOINTS_PER_HOLDER))
  async webhookEndpoints(@Root() holder: KeyHolder, @Ctx() ctx: RequestContext) {
    if ((await endpointVisibility(ctx, holder.organizationId)) !== "all") return null;
    return ctx.loaders.webhooks.endpointsOfCreator.load(`${holder.organizationId}|${holder.user.id}`);
  }
}
