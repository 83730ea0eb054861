import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import { loadOrFail } from "../graphql/by-id-loader";
import type { RequestContext } from "../graphql/context";
import { toGlobalId } from "../graphql/global-id";
import { MutationPayload, toPayload } from "../graphql/payload";
import { parseInput } from "../graphql/validate";
import { Organization } from "../orgs/organization.entity";
import { readableOrganization } from "../orgs/orgs.service";
import { Role } from "../roles/role.entity";
import { User } from "../users/user.entity";
import {
  AddMemberInput,
  addMemberSchema,
  ChangeMemberRoleInput,
  changeMemberRoleSchema,
  RemoveMemberInput,
  removeMemberSchema,
} from "./members.inputs";
import { addMember, changeMemberRole, removeMember } from "./members.service";
import { Membership } from "./membership.entity";

const MembershipPayload = MutationPayload("MembershipPayload", "membership", () => Membership, "The membership created or changed.");
const RemoveMemberPayload = MutationPayload("RemoveMemberPayload", "removedMembershipId", () => ID, "The ID of the removed membership.");

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => User)
  user(@Root() membership: Membership, @Ctx() ctx: RequestContext) {
    return loadOrFail(ctx.loaders.users.byId, membership.user.id);
  }

  @FieldResolver(() => Organization, { nullable: true })
  organization(@Root() membership: Membership, @Ctx() ctx: RequestContext) {
    return readableOrganization(ctx, membership.organization.id);
  }

  @FieldResolver(() => Role)
  role(@Root() membership: Membership, @Ctx() ctx: RequestContext) {
    return loadOrFail(ctx.loaders.roles.byId, membership.role.id);
  }

  @Mutation(() => MembershipPayload, {
    description: "Adds a member. Needs `members:manage`, and you can only grant a role whose permissions you hold.",
  })
  addMember(@Arg("input", () => AddMemberInput) input: AddMemberInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => addMember(ctx, parseInput(addMemberSchema, input)),
      (membership) => ({ membership }),
    );
  }

  @Mutation(() => MembershipPayload, {
    description: "Gives a member another role. Needs `members:manage`; the last Owner cannot be demoted.",
  })
  changeMemberRole(@Arg("input", () => ChangeMemberRoleInput) input: ChangeMemberRoleInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => changeMemberRole(ctx, parseInput(changeMemberRoleSchema, input)),
      (membership) => ({ membership }),
    );
  }

  @Mutation(() => RemoveMemberPayload, {
    description: "Removes a member (needs `members:manage`), or leaves an organisation when it is your own membership.",
  })
  removeMember(@Arg("input", () => RemoveMemberInput) input: RemoveMemberInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => removeMember(ctx, parseInput(removeMemberSchema, input)),
      (id) => ({ removedMembershipId: toGlobalId("Membership", id) }),
    );
  }
}
