import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../graphql/context";
import { toGlobalId } from "../graphql/global-id";
import { MutationPayload, toPayload } from "../graphql/payload";
import { Organization } from "../orgs/organization.entity";
import { readableOrganization } from "../orgs/orgs.service";
import { Role } from "../roles/role.entity";
import { User } from "../users/user.entity";
import { addMember, changeMemberRole, removeMember } from "./members.service";
import { Membership } from "./membership.entity";

@InputType({ description: "Adds an existing Latchkey user, by email, with a role." })
class AddMemberInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  email!: string;

  @Field(() => ID)
  roleId!: string;
}

@InputType()
class ChangeMemberRoleInput {
  @Field(() => ID)
  membershipId!: string;

  @Field(() => ID)
  roleId!: string;
}

@InputType()
class RemoveMemberInput {
  @Field(() => ID)
  membershipId!: string;
}

const MembershipPayload = MutationPayload("MembershipPayload", "membership", () => Membership, "The membership created or changed.");
const RemoveMemberPayload = MutationPayload("RemoveMemberPayload", "removedMembershipId", () => ID, "The ID of the removed membership.");

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => User)
  user(@Root() membership: Membership, @Ctx() ctx: RequestContext) {
    return ctx.loaders.users.byId.load(membership.user.id);
  }

  @FieldResolver(() => Organization, { nullable: true })
  organization(@Root() membership: Membership, @Ctx() ctx: RequestContext) {
    return readableOrganization(ctx, membership.organization.id);
  }

  @FieldResolver(() => Role)
  role(@Root() membership: Membership, @Ctx() ctx: RequestContext) {
    return ctx.loaders.roles.byId.load(membership.role.id);
  }

  @Mutation(() => MembershipPayload, {
    description: "Adds a member. Needs `members:manage`, and you can only grant a role whose permissions you hold.",
  })
  addMember(@Arg("input", () => AddMemberInput) input: AddMemberInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => addMember(ctx, input),
      (membership) => ({ membership }),
    );
  }

  @Mutation(() => MembershipPayload, {
    description: "Gives a member another role. Needs `members:manage`; the last Owner cannot be demoted.",
  })
  changeMemberRole(@Arg("input", () => ChangeMemberRoleInput) input: ChangeMemberRoleInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => changeMemberRole(ctx, input),
      (membership) => ({ membership }),
    );
  }

  @Mutation(() => RemoveMemberPayload, {
    description: "Removes a member (needs `members:manage`), or leaves an organisation when it is your own membership.",
  })
  removeMember(@Arg("input", () => RemoveMemberInput) input: RemoveMemberInput, @Ctx() ctx: RequestContext) {
    return toPayload(
      () => removeMember(ctx, input),
      (id) => ({ removedMembershipId: toGlobalId("Membership", id) }),
    );
  }
}
