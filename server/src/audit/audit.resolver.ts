import { GraphQLDateTimeISO } from "graphql-scalars";
import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Resolver, Root } from "type-graphql";
import { Connection, ConnectionArgs, pageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { badUserInput } from "../graphql/errors";
import { fromGlobalId, toGlobalId } from "../graphql/global-id";
import { Organization } from "../orgs/organization.entity";
import { User } from "../users/user.entity";
import { type AuditFilter, listAuditEntries } from "./audit.service";
import { AuditAction } from "./audit-action";
import { AuditEntry } from "./audit-entry.entity";

@ArgsType()
class AuditLogArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: "Only entries about this object." })
  targetId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "Only entries by this actor: a user (`User` ID), one API key (`actorKeyId`), or a platform key, the host's backend (`actorPlatformKeyId`).",
  })
  actorId?: string | null;

  @Field(() => [AuditAction], { nullable: true, description: "Only these actions." })
  actions?: AuditAction[] | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Only entries at or after this time." })
  since?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Only entries before this time." })
  until?: Date | null;
}

const AuditEntryConnection = Connection("AuditEntry", () => AuditEntry, "A page of audit entries, newest first.");

@Resolver(() => AuditEntry)
export class AuditEntryResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: "Who acted; null for anonymous attempts, deleted users and platform keys (see `actorPlatformKeyId`).",
  })
  actor(@Root() entry: AuditEntry, @Ctx() ctx: RequestContext) {
    return entry.actorUserId ? ctx.loaders.users.byId.load(entry.actorUserId) : null;
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: "The API key the actor authenticated with, when it was one (it may since have been deleted).",
  })
  actorKeyId(@Root() entry: AuditEntry): string | null {
    return entry.actorKeyId ? toGlobalId("ApiKey", entry.actorKeyId) : null;
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description:
      "The platform key the host's backend acted with, when it was one (then `actor` is null). The same ID `latchkey platform-key list` prints.",
  })
  actorPlatformKeyId(@Root() entry: AuditEntry): string | null {
    return entry.actorPlatformKeyId ? toGlobalId("PlatformKey", entry.actorPlatformKeyId) : null;
  }

  @FieldResolver(() => ID, { description: "Global ID of the object acted on (it may since have been deleted)." })
  targetId(@Root() entry: AuditEntry): string {
    return toGlobalId(entry.targetType, entry.targetId);
  }
}

/** `actorId` names a user, an API key or a platform key: each is its own column of an entry. */
function actorFilter(actorId: string | null | undefined): Pick<AuditFilter, "actorUserId" | "actorKeyId" | "actorPlatformKeyId"> {
  if (!actorId) return {};
  const actor = fromGlobalId(actorId);
  if (actor?.typeName === "User") return { actorUserId: actor.id };
  if (actor?.typeName === "ApiKey") return { actorKeyId: actor.id };
  if (actor?.typeName === "PlatformKey") return { actorPlatformKeyId: actor.id };
  throw badUserInput("`actorId` is not the ID of a User, an ApiKey or a PlatformKey.");
}

@Resolver(() => Organization)
export class OrganizationAuditResolver {
  @FieldResolver(() => AuditEntryConnection, { nullable: true, description: "The audit log; null without `audit:read`." })
  auditLog(@Root() organization: Organization, @Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() ctx: RequestContext) {
    const targetId = args.targetId ? fromGlobalId(args.targetId)?.id : null;
    if (args.targetId && !targetId) throw badUserInput("`targetId` is not an ID this API issued.");
    return listAuditEntries(
      ctx,
      organization.id,
      { targetId, ...actorFilter(args.actorId), actions: args.actions, since: args.since, until: args.until },
      pageRequest(args),
    );
  }
}
